/**
 * `/orders/3f6c…-…/lines/7?x=1` → `/orders/:id/lines/:id`: one name for every call of an endpoint,
 * whatever ids it was called with (how the run history groups response shapes).
 */
export function pathTemplate(url: string): string {
  const { pathname } = new URL(url, 'http://x');
  return pathname
    .split('/')
    .map((segment) =>
      /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,})$/i.test(segment)
        ? ':id'
        : segment,
    )
    .join('/');
}
