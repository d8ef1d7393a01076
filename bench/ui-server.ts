// The server side of `npm run bench:ui`, in its own process so the browser driver's event loop and
// the server's (synchronous SQLite work) never wait on each other. Prints its URL, then serves until
// killed. Usage: node --import tsx bench/ui-server.ts <backend-store-uri> <artifacts-dir>
import { startServer } from '@orchard/server'

const [backendStoreUri, artifactsDestination] = process.argv.slice(2)
if (!backendStoreUri || !artifactsDestination) throw new Error('usage: ui-server.ts <backend-store-uri> <artifacts-dir>')
const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri, defaultArtifactRoot: 'mlflow-artifacts:/', artifactsDestination })
console.log(server.url)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
