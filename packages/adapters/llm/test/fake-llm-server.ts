import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HTTP server on 127.0.0.1 that speaks the wire formats the real SDK clients use:
 * OpenAI chat completions (`POST /v1/chat/completions`), Anthropic messages (`POST /v1/messages`) and
 * Google generateContent (`POST /v1beta/models/{model}:generateContent`), all non-streaming.
 * Each request takes the next scripted reply (the last one repeats); every request body is recorded.
 */

export type Wire = 'openai' | 'anthropic' | 'google';

export type ScriptedReply =
  /** A well-formed completion whose text is `text` (possibly empty). */
  | { readonly type: 'text'; readonly text: string; readonly tokensIn?: number; readonly tokensOut?: number; readonly delayMs?: number }
  /** An HTTP error with a JSON error body. */
  | { readonly type: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** 200 with a body that is not JSON. */
  | { readonly type: 'malformed' }
  /** Accept the request, then close the socket without answering. */
  | { readonly type: 'hangup' };

export interface RecordedRequest {
  readonly wire: Wire;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly rawBody: string;
}

export interface FakeLlmServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

function wireOf(path: string): Wire | null {
  if (path.endsWith('/chat/completions')) return 'openai';
  if (path.endsWith('/messages')) return 'anthropic';
  if (path.includes(':generateContent')) return 'google';
  return null;
}

function successBody(wire: Wire, reply: Extract<ScriptedReply, { type: 'text' }>, model: string): unknown {
  const tokensIn = reply.tokensIn ?? 1000;
  const tokensOut = reply.tokensOut ?? 200;
  switch (wire) {
    case 'openai':
      return {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 1_764_000_000,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: tokensIn, completion_tokens: tokensOut, total_tokens: tokensIn + tokensOut },
      };
    case 'anthropic':
      return {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content: reply.text === '' ? [] : [{ type: 'text', text: reply.text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: tokensIn, output_tokens: tokensOut },
      };
    case 'google':
      return {
        candidates: [{ content: { role: 'model', parts: reply.text === '' ? [] : [{ text: reply.text }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: tokensIn, candidatesTokenCount: tokensOut, totalTokenCount: tokensIn + tokensOut },
        modelVersion: model,
      };
  }
}

function errorBody(wire: Wire, status: number): unknown {
  if (wire === 'anthropic') return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: `scripted ${status}` } };
  if (wire === 'google') return { error: { code: status, message: `scripted ${status}`, status: 'UNAVAILABLE' } };
  return { error: { message: `scripted ${status}`, type: 'server_error', code: null } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  let replies: ScriptedReply[] = [{ type: 'text', text: '```js\nreturn 1;\n```' }];
  let next = 0;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const rawBody = await readBody(req);
    const wire = wireOf(path);
    if (req.method !== 'POST' || wire === null) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = null;
    }
    requests.push({ wire, path, headers: req.headers, body, rawBody });
    const reply = replies[Math.min(next, replies.length - 1)];
    next += 1;
    const model = typeof body === 'object' && body !== null && 'model' in body ? String((body as { model: unknown }).model) : 'fake';
    if (reply === undefined) throw new Error('no scripted reply');
    switch (reply.type) {
      case 'text': {
        const send = (): void => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(successBody(wire, reply, model)));
        };
        if (reply.delayMs === undefined) send();
        else {
          const t = setTimeout(() => {
            timers.delete(t);
            send();
          }, reply.delayMs);
          timers.add(t);
        }
        return;
      }
      case 'status':
        res
          .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
          .end(reply.body ?? JSON.stringify(errorBody(wire, reply.status)));
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "chatcmpl-broken", "choices": [ {');
        return;
      case 'hangup':
        req.socket.destroy();
        return;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(599).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    script(...scripted: ScriptedReply[]) {
      replies = scripted;
      next = 0;
      requests.length = 0;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
