import { parseArgs } from 'node:util';
import path from 'node:path';
import { KmsLocalServer } from './server';

/**
 * `npm run kms-local -- --port P --data-dir D`: a standalone kms-local for development.
 * Prints one JSON line `{"endpoint": …}` once listening, so scripts can read the port.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4599' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: process.env.KMS_LOCAL_DATA_DIR ?? 'data/kms-local' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm run kms-local -- [--port 4599] [--host 127.0.0.1] [--data-dir data/kms-local]\n' +
        'env: KMS_LOCAL_SECRET encrypts keys at rest (required for anything but throwaway keys)',
    );
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, not ${values.port}`);
  const dataDir = path.resolve(values['data-dir']);
  const server = await KmsLocalServer.start({ host: values.host, port, dataDir });
  console.log(JSON.stringify({ endpoint: server.endpoint, dataDir }));
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`kms-local: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
