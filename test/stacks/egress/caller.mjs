// GET /call?url=… fetches the URL and says how it went: the service a journey makes reach a host,
// inside the stack (`http://inside:8080/`) or outside it (a provider URL left at its production value).
import http from 'node:http';

http
  .createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://caller');
    if (url.pathname === '/health') return response.end('ok');
    if (url.pathname === '/call') {
      const target = url.searchParams.get('url') ?? '';
      let outcome;
      try {
        const answer = await fetch(target, { signal: AbortSignal.timeout(3000) });
        outcome = { reached: true, status: answer.status };
      } catch (error) {
        outcome = { reached: false, error: String(error.cause?.code ?? error.message) };
      }
      response.setHeader('content-type', 'application/json');
      return response.end(JSON.stringify(outcome));
    }
    response.statusCode = 404;
    response.end();
  })
  .listen(8080);
process.on('SIGTERM', () => process.exit(0));
