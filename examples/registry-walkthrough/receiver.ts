// A stand-in for a CI/CD system: receives Orchard's registry webhooks on 127.0.0.1, checks each
// delivery's signature with the shared secret (WEBHOOK_SECRET) and prints one line per event. Exits
// after <count> deliveries. Usage: node --import tsx examples/registry-walkthrough/receiver.ts <port> <count>
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'

const [port = '8787', count = '1'] = process.argv.slice(2)
const secret = process.env.WEBHOOK_SECRET ?? ''
let received = 0

// The signature is `v1,<base64 HMAC-SHA256 of "<delivery id>.<timestamp>.<body>">`, as MLflow signs.
function verified(headers: NodeJS.Dict<string | string[]>, body: string): boolean {
  const expected = `v1,${createHmac('sha256', secret).update(`${headers['x-mlflow-delivery-id']}.${headers['x-mlflow-timestamp']}.${body}`).digest('base64')}`
  const signature = headers['x-mlflow-signature']
  return typeof signature === 'string' && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
}

const server = createServer((request, response) => {
  let body = ''
  request.setEncoding('utf8')
  request.on('data', (chunk: string) => (body += chunk))
  request.on('end', () => {
    const ok = verified(request.headers, body)
    response.writeHead(ok ? 200 : 401).end()
    const event = JSON.parse(body) as { entity: string; action: string; data: Record<string, unknown> }
    console.log(`${ok ? 'verified' : 'BAD SIGNATURE'}  ${event.entity}.${event.action}  ${JSON.stringify(event.data)}`)
    if (++received >= Number(count)) server.close()
  })
})
server.listen(Number(port), '127.0.0.1')
