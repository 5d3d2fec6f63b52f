import { useState } from 'react';
import { Button } from '../components/Button.js';
import { CopyButton } from '../components/CopyButton.js';
import { Tabs } from '../components/Tabs.js';
import { keySnippets, maskSecret } from './snippets.js';

/**
 * A key's secret, shown once: held only in the component that received it (never a query cache,
 * URL or storage), masked until revealed, with copy buttons and snippets that work when pasted.
 */
export function SecretPanel({ secret, heading, onDone }: { secret: string; heading: string; onDone: () => void }) {
  const [revealed, setRevealed] = useState(false);
  const show = (text: string) => (revealed ? text : maskSecret(text, secret));
  const snippets = keySnippets(window.location.origin, secret);
  return (
    <section className="secret-panel" aria-labelledby="secret-heading">
      <h2 id="secret-heading">{heading}</h2>
      <p className="notice notice-warn">
        Copy this key now. It is shown only once: Fleetgate stores only a hash and cannot show it again.
      </p>
      <div className="secret-row">
        <code className="secret" aria-label={revealed ? 'API key' : 'API key (masked)'}>
          {show(secret)}
        </code>
        <div className="secret-actions">
          <Button variant="secondary" className="btn-small" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide key' : 'Reveal key'}
          </Button>
          <CopyButton text={secret} label="Copy key" />
        </div>
      </div>
      <h3>Try it</h3>
      <p className="field-hint">Each snippet calls GET /v1/auth/me with the key. API access must be on for the company.</p>
      <Tabs
        label="Snippet language"
        tabs={snippets.map((snippet) => ({
          id: snippet.id,
          title: snippet.title,
          content: (
            <div className="snippet">
              <pre>
                <code>{show(snippet.code)}</code>
              </pre>
              <CopyButton text={snippet.code} label={`Copy ${snippet.title} snippet`} />
            </div>
          ),
        }))}
      />
      <div className="form-actions">
        <Button variant="primary" onClick={onDone}>
          I have saved the key
        </Button>
      </div>
    </section>
  );
}
