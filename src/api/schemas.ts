import { Type } from '@sinclair/typebox';

// Request schemas shared by several routes. They validate requests and feed the OpenAPI document.

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const ListQuerystring = Type.Object({
  limit: Type.Optional(Type.Integer({ description: 'Page size from 1 to 500; default 50' })),
  continuationToken: Type.Optional(Type.String()),
  orderby: Type.Optional(Type.String({ description: 'createdAt, updatedAt or name; a leading - sorts descending' })),
  property: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: 'Filter such as name==Orders or state==enabled; values separated by commas',
    }),
  ),
  count: Type.Optional(Type.Boolean({ description: 'Return { count } instead of items' })),
});

/** A time in a request: ISO-8601 with an offset, or Unix epoch seconds as a number or numeric string. */
export const TimeValue = Type.Union([Type.String(), Type.Number()], {
  description: 'ISO-8601 with an offset (2026-03-29T01:00:00Z) or Unix epoch seconds',
});
