/**
 * Ready-to-run snippets for a key: each calls GET /v1/auth/me (any key may) and prints the answer.
 * They must work when pasted, so the browser tests run them.
 */
export interface Snippet {
  id: 'curl' | 'node' | 'python';
  title: string;
  code: string;
}

const quoteSingle = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

export function keySnippets(baseUrl: string, apiKey: string): Snippet[] {
  const url = `${baseUrl}/v1/auth/me`;
  return [
    {
      id: 'curl',
      title: 'curl',
      code: `curl -sS ${quoteSingle(url)} \\\n  -H ${quoteSingle(`Authorization: Bearer ${apiKey}`)}`,
    },
    {
      id: 'node',
      title: 'Node.js',
      code: [
        `fetch(${JSON.stringify(url)}, {`,
        `  headers: { Authorization: ${JSON.stringify(`Bearer ${apiKey}`)} },`,
        `}).then(async (response) => console.log(response.status, await response.json()));`,
      ].join('\n'),
    },
    {
      id: 'python',
      title: 'Python',
      code: [
        'import json, urllib.request',
        '',
        `request = urllib.request.Request(${JSON.stringify(url)}, headers={"Authorization": ${JSON.stringify(`Bearer ${apiKey}`)}})`,
        'with urllib.request.urlopen(request) as response:',
        '    print(response.status, json.load(response))',
      ].join('\n'),
    },
  ];
}

/** The VinLink flow for the API access page: exchange a key for a token, then call with the token. */
export function tokenExchangeSnippet(baseUrl: string): string {
  return [
    '# exchange an API key for a one-hour access token',
    `TOKEN=$(curl -sS -X POST ${quoteSingle(`${baseUrl}/v1/auth/api-key/token`)} \\`,
    '  -H "Authorization: ApiKey $FLEETGATE_API_KEY" \\',
    `  | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')`,
    '',
    '# call the API with it',
    `curl -sS ${quoteSingle(`${baseUrl}/v1/auth/me`)} -H "Authorization: Bearer $TOKEN"`,
  ].join('\n');
}

/** The secret as shown until revealed: the public part stays readable. */
export function maskSecret(text: string, secret: string): string {
  const visible = secret.slice(0, secret.lastIndexOf('_') + 1);
  return text.replaceAll(secret, `${visible}${'•'.repeat(12)}`);
}
