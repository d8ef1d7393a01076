import { CommandError } from '../command.ts'

/** The two listen failures a user causes and fixes themselves, said plainly; anything else as is. */
export function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE') {
    return new CommandError(`port ${port} on ${host} is already in use; stop what holds it or pick another --port`)
  }
  if (code === 'EACCES') {
    return new CommandError(`no permission to listen on ${host}:${port}; ports below 1024 need privileges, pick another --port`)
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new CommandError(`cannot listen on --host ${host}: no such address on this machine`)
  }
  return error
}
