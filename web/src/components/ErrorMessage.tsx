// An API error in the user's language, found by its code. The server's English detail and field
// messages stay one click away, for support.

import { ApiError } from '../api/client.ts';
import { useI18n, type I18n } from '../i18n/i18n.tsx';

export function describeError(i18n: I18n, error: unknown): string {
  if (error instanceof ApiError) {
    return (
      i18n.lookup(`error.${error.code}`) ??
      i18n.lookup(statusFallback(error.status)) ??
      i18n.t('error.UNKNOWN', { status: error.status })
    );
  }
  return i18n.t('error.INTERNAL');
}

function statusFallback(status: number): string {
  if (status === 401) return 'error.UNAUTHENTICATED';
  if (status === 404) return 'error.NOT_FOUND';
  return 'error.UNKNOWN';
}

export function ErrorMessage({ error }: { error: unknown }) {
  const i18n = useI18n();
  if (!error) return null;
  const detail = error instanceof ApiError ? error.detail : String((error as Error)?.message ?? error);
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  const code = error instanceof ApiError ? error.code : undefined;

  return (
    <div className="alert alert-error" role="alert" data-code={code}>
      <p>{describeError(i18n, error)}</p>
      {(detail || fields.length > 0) && (
        <details>
          <summary>{i18n.t('common.technicalDetail')}</summary>
          <p>
            {code && <code>{code}</code>} {detail}
          </p>
          {fields.length > 0 && (
            <ul>
              {fields.map((field) => (
                <li key={`${field.path}:${field.message}`}>
                  <code>{field.path}</code> {field.message}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
    </div>
  );
}
