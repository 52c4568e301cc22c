import type { ApiClient } from '../client.ts';
import type { CommandContext } from '../context.ts';
import { integerArgument } from '../arguments.ts';

// Lists of the API come in pages: `{ items, _links: { next: { href } } }`. The client reads one
// page of `--limit` items, or every page with `--all`.

interface Page<T> {
  items: T[];
  _links?: { next?: { href?: string } };
}

export interface ListFlags {
  limit?: string;
  all?: boolean;
}

export async function fetchPages<T>(
  context: CommandContext,
  pathname: string,
  query: Record<string, string | string[] | undefined>,
  flags: ListFlags,
): Promise<T[]> {
  const limit = flags.limit === undefined ? 50 : integerArgument(flags.limit, '--limit', 1, 500, context.t);
  const client: ApiClient = context.client;
  const items: T[] = [];

  let page = await client.json<Page<T>>('GET', pathname, { query: { ...query, limit } });
  for (;;) {
    items.push(...page.items);
    const next = page._links?.next?.href;
    if (!next) return items;
    if (!flags.all) {
      // On standard error, so that even `--quiet` and `--json` output shows it was cut short.
      context.warn(context.t.t('msg.more'));
      return items;
    }
    page = await client.json<Page<T>>('GET', apiPath(next));
  }
}

// A `next` href may be absolute, rooted (`/api/v1/runs?…`) or relative to the API base.
function apiPath(href: string): string {
  if (/^https?:\/\//.test(href) || href.startsWith('/')) return href;
  return `/api/v1/${href}`;
}
