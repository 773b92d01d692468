import type { Sandbox } from '../sandbox/server.js';
import type { SandboxOptions } from '../sandbox/options.js';
import { PolyvClient, type PolyvClientOptions } from '../transport/client.js';
import { Credentials, loadCredentials } from '../transport/credentials.js';

/** Where calls go and with which credentials: the options `run` and `export` share. */
export interface ConnectionOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Start the built-in sandbox in this process and use its demo credentials. */
  readonly sandbox?: boolean;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentialsFile?: string;
}

export interface Connection {
  readonly client: PolyvClient;
  readonly sandbox?: Sandbox;
  close(): Promise<void>;
}

/** A client for the platform — or for an in-process sandbox, with its public demo credentials. */
export async function connect(o: ConnectionOptions, sandboxOptions: SandboxOptions, clientOptions: Partial<PolyvClientOptions> = {}): Promise<Connection> {
  let sandbox: Sandbox | undefined;
  let credentials: Credentials;
  let endpoint = o.endpoint;
  if (o.sandbox) {
    // Loaded only when asked for: a run or an export against the platform carries no server code.
    const { startSandbox, DEMO_CREDENTIALS } = await import('../sandbox/index.js');
    sandbox = await startSandbox(sandboxOptions);
    // i18n-exempt: where the credentials came from, as their redacted debug form names it (like `file …, profile …`)
    credentials = new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'sandbox demo');
    endpoint = sandbox.url;
  } else {
    credentials = loadCredentials({ env: o.env, ...(o.profile ? { profile: o.profile } : {}), ...(o.credentialsFile ? { file: o.credentialsFile } : {}) });
  }
  const client = new PolyvClient({ ...clientOptions, credentials, ...(endpoint ? { baseUrl: endpoint } : {}) });
  return {
    client,
    ...(sandbox ? { sandbox } : {}),
    close: async () => {
      await client.close();
      await sandbox?.close();
    },
  };
}
