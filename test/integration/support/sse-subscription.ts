// GraphQL subscriptions over SSE (Accept: text/event-stream), as a browser's EventSource or curl
// would read them: the tests' client, apart from the server's own code.

export interface SseResult {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A GraphQL subscription over SSE (Accept: text/event-stream), as a browser's EventSource or curl would read it. */
export interface SseSubscription {
  status: number;
  results: SseResult[];
  completed: boolean;
  close(): void;
}

export async function subscribeSse(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<SseSubscription> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `ApiKey ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const sub: SseSubscription = { status: response.status, results: [], completed: false, close: () => controller.abort() };
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    sub.results.push((await response.json()) as SseResult);
    sub.completed = true;
    return sub;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(frame)?.[1];
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (event === 'next' && data) sub.results.push(JSON.parse(data) as SseResult);
          if (event === 'complete') sub.completed = true;
        }
      }
    } catch {
      // aborted by close()
    }
    sub.completed = true;
  })();
  return sub;
}

/** The first `next` payload of a subscription (or the JSON error response), then the stream closed. */
export async function firstSseEvent(url: string, key: string, query: string, variables: Record<string, unknown>, timeoutMs = 30_000): Promise<SseResult> {
  const sub = await subscribeSse(url, key, query, variables);
  try {
    const deadline = Date.now() + timeoutMs;
    while (sub.results.length === 0) {
      if (sub.completed) throw new Error('the subscription ended without an event');
      if (Date.now() > deadline) throw new Error(`no subscription event within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return sub.results[0]!;
  } finally {
    sub.close();
  }
}
