import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConnectorError } from '../connectors/types.ts';
import { errorCatalogue, TributaryError, type ErrorCode } from '../domain/errors.ts';

// Every error response is an RFC 9457 problem document with a `code` from the catalogue.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors: { path: string; message: string }[];
  instance?: string;
  [extension: string]: unknown;
}

export function toProblem(error: TributaryError, instance?: string): ProblemDocument {
  return {
    type: `https://tributary.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: errorCatalogue[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    errors: error.errors,
    ...(instance ? { instance } : {}),
    ...error.extensions,
  };
}

/** Turns any thrown value into a catalogue error, keeping the message only when it is meant for users. */
export function asTributaryError(error: unknown): TributaryError {
  if (error instanceof TributaryError) return error;
  if (error instanceof ConnectorError) return new TributaryError(error.code, error.message, { cause: error });

  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'body';
    const errors = fastifyError.validation.map((issue) => ({
      path:
        [context, ...issue.instancePath.split('/').filter(Boolean)].join('.') +
        (issue.keyword === 'required'
          ? `.${String((issue.params as { missingProperty?: string }).missingProperty)}`
          : ''),
      message: issue.message ?? 'is invalid',
    }));
    const detail = errors.map((e) => `${e.path} ${e.message}`).join('; ');
    return new TributaryError('VALIDATION_FAILED', `The request is invalid: ${detail}.`, { errors });
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new TributaryError(
      'BODY_TOO_LARGE',
      'The request body is larger than the server accepts; send a smaller body.',
    );
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new TributaryError(
      'VALIDATION_FAILED',
      `${fastifyError.message}; send a JSON body with Content-Type: application/json.`,
    );
  }
  if (fastifyError.statusCode === 400) {
    return new TributaryError('VALIDATION_FAILED', `The request is invalid: ${fastifyError.message}.`);
  }
  return new TributaryError(
    'INTERNAL',
    'An internal error occurred; the server log has the details under this request id.',
    {
      cause: error,
    },
  );
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: TributaryError): FastifyReply {
  return reply
    .code(error.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(toProblem(error, request.url.split('?')[0]));
}
