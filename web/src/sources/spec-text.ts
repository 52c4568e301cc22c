import type { ConnectionSpec } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.tsx';

/** Returns a connector's name in the user's language, or the server's name for an unknown connector. */
export function specName(i18n: I18n, spec: Pick<ConnectionSpec, 'id' | 'name'> | undefined, id = spec?.id): string {
  return i18n.lookup(`spec.${id}.name`) ?? spec?.name ?? id ?? '';
}

export function specDescription(i18n: I18n, spec: ConnectionSpec): string {
  return i18n.lookup(`spec.${spec.id}.description`) ?? spec.description;
}
