import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/**
 * A local HTTP receiver for webhooks. Paths starting with /fail-twice answer 500 to their first two requests,
 * /hang never answers, anything else answers 200. Every request is recorded with its JSON body.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly hanging: ServerResponse[] = [];
  private failures = 0;
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({ path, headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
        if (path.startsWith('/hang')) {
          this.hanging.push(response);
          return;
        }
        if (path.startsWith('/fail-twice') && this.failures < 2) {
          this.failures += 1;
          response.writeHead(500, { 'content-type': 'text/plain' }).end('temporarily broken');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(prefix: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path.startsWith(prefix));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** A local SMTP server (no TLS, AUTH PLAIN/LOGIN against one account) that parses every mail it receives. */
export class SmtpReceiver {
  readonly mails: (ParsedMail & { authUser?: string })[] = [];
  private server?: SMTPServer;
  port = 0;

  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {}

  async start(): Promise<this> {
    this.server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.user && auth.password === this.password) callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.mails.push(Object.assign(mail, { authUser: session.user as string | undefined }));
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
