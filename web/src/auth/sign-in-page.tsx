import { Link, Navigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../components/Button.js';
import { TextField } from '../components/Field.js';
import { Loading, ProblemPanel } from '../components/States.js';
import { useSession } from '../session/session.js';
import { useFormSubmission } from '../components/use-field-errors.js';
import { validateSignUp } from './validation.js';

/** Log in and sign up. Both start a cookie session (the refresh token never reaches this page). */
export function SignInPage() {
  const { state } = useSession();
  const search = useSearch({ from: '/sign-in' });
  if (state.status === 'loading') return <Loading label="Checking your session…" />;
  if (state.status === 'signed-in') {
    // back to the page that asked for the sign-in, with its filters
    const [path, query = ''] = (search.redirect ?? '/').split('?');
    return <Navigate to={path} search={Object.fromEntries(new URLSearchParams(query))} replace />;
  }
  const signingUp = search.mode === 'signup';
  return (
    <main id="main" className="auth">
      <div className="auth-card">
        <p className="brand auth-brand">
          <span className="brand-mark" aria-hidden="true">
            F
          </span>
          Fleetgate
        </p>
        <h1>{signingUp ? 'Create your company account' : 'Log in to the console'}</h1>
        {state.notice && (
          <p className="notice" role="status">
            {state.notice}
          </p>
        )}
        {signingUp ? <SignUpForm /> : <LogInForm />}
        <p className="auth-switch">
          {signingUp ? (
            <>
              Already have an account?{' '}
              <Link to="/sign-in" search={{ redirect: search.redirect }}>
                Log in
              </Link>
            </>
          ) : (
            <>
              New to Fleetgate?{' '}
              <Link to="/sign-in" search={{ redirect: search.redirect, mode: 'signup' }}>
                Sign up
              </Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}

function LogInForm() {
  const { logIn } = useSession();
  const [input, setInput] = useState({ email: '', password: '' });
  const { errors, clear, submit, busy, failure } = useFormSubmission(
    () => ({ email: input.email.trim() ? undefined : 'Enter your e-mail address.', password: input.password ? undefined : 'Enter your password.' }),
    () => logIn(input.email.trim(), input.password),
  );
  const set = (field: keyof typeof input) => (event: { target: { value: string } }) => {
    setInput({ ...input, [field]: event.target.value });
    clear(field);
  };

  return (
    <form onSubmit={submit} noValidate>
      {failure !== undefined && <ProblemPanel error={failure} />}
      <TextField label="E-mail" type="email" autoComplete="username" value={input.email} onChange={set('email')} error={errors.email} required />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={input.password}
        onChange={set('password')}
        error={errors.password}
        required
      />
      <Button type="submit" variant="primary" busy={busy} className="btn-block">
        Log in
      </Button>
    </form>
  );
}

function SignUpForm() {
  const { signUp } = useSession();
  const [input, setInput] = useState({ companyName: '', name: '', email: '', password: '' });
  const { errors, clear, submit, busy, failure } = useFormSubmission(
    () => validateSignUp(input),
    () => signUp({ ...input, companyName: input.companyName.trim(), name: input.name.trim(), email: input.email.trim() }),
  );
  const set = (field: keyof typeof input) => (event: { target: { value: string } }) => {
    setInput({ ...input, [field]: event.target.value });
    clear(field);
  };

  return (
    <form onSubmit={submit} noValidate>
      {failure !== undefined && <ProblemPanel error={failure} />}
      <TextField label="Company name" autoComplete="organization" value={input.companyName} onChange={set('companyName')} error={errors.companyName} required />
      <TextField label="Your name" autoComplete="name" value={input.name} onChange={set('name')} error={errors.name} required />
      <TextField label="E-mail" type="email" autoComplete="username" value={input.email} onChange={set('email')} error={errors.email} required />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={input.password}
        onChange={set('password')}
        error={errors.password}
        hint="At least 12 characters."
        required
      />
      <p className="field-hint auth-note">Your company starts with 10 welcome credits and API access off.</p>
      <Button type="submit" variant="primary" busy={busy} className="btn-block">
        Create account
      </Button>
    </form>
  );
}
