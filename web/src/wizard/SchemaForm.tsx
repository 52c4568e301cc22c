// Draws a form from a connection spec's `authSpec` JSON Schema: one control per property, typed by
// the schema, secrets as password inputs that are never prefilled.

import { useId } from 'react';
import type { ConnectionSpec, JsonSchema } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

export type FormValues = Record<string, string | boolean>;

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== 'null') : schema.type;
  return type ?? 'string';
}

export function isSecret(spec: ConnectionSpec, name: string): boolean {
  return Boolean(spec.authSpec.properties?.[name]?.writeOnly) || (spec.secretParams ?? []).includes(name);
}

export function initialValues(spec: ConnectionSpec): FormValues {
  const values: FormValues = {};
  for (const [name, property] of Object.entries(spec.authSpec.properties ?? {})) {
    if (isSecret(spec, name)) values[name] = '';
    else if (typeOf(property) === 'boolean') values[name] = property.default === true;
    else values[name] = property.default === undefined ? '' : String(property.default);
  }
  return values;
}

/** Builds the `auth.params` body: numbers as numbers, and empty optional values left out. */
export function paramsOf(spec: ConnectionSpec, values: FormValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(spec.authSpec.properties ?? {})) {
    const value = values[name];
    const type = typeOf(property);
    if (type === 'boolean') params[name] = value === true;
    else if (value === '' || value === undefined) continue;
    else if (type === 'integer' || type === 'number') params[name] = Number(value);
    else params[name] = value;
  }
  return params;
}

export function SchemaForm({
  spec,
  values,
  onChange,
}: {
  spec: ConnectionSpec;
  values: FormValues;
  onChange: (values: FormValues) => void;
}) {
  const { t } = useI18n();
  const prefix = useId();
  const required = new Set(spec.authSpec.required ?? []);

  return (
    <>
      {Object.entries(spec.authSpec.properties ?? {}).map(([name, property]) => {
        const id = `${prefix}-${name}`;
        const type = typeOf(property);
        const secret = isSecret(spec, name);
        const label = property.title ?? name;
        const hint = [property.description, secret ? t('wizard.secretHint') : undefined].filter(Boolean).join(' ');
        const set = (value: string | boolean) => onChange({ ...values, [name]: value });

        if (type === 'boolean') {
          return (
            <div className="field-check" key={name}>
              <input
                id={id}
                type="checkbox"
                checked={values[name] === true}
                onChange={(event) => set(event.target.checked)}
              />
              <label htmlFor={id}>{label}</label>
            </div>
          );
        }
        return (
          <div className="field" key={name}>
            <label htmlFor={id}>
              {label}
              {!required.has(name) && <span className="muted"> ({t('common.optional')})</span>}
            </label>
            {property.enum ? (
              <select id={id} value={String(values[name] ?? '')} onChange={(event) => set(event.target.value)}>
                {!required.has(name) && <option value="">—</option>}
                {property.enum.map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={name}
                type={secret ? 'password' : type === 'integer' || type === 'number' ? 'number' : 'text'}
                autoComplete={secret ? 'new-password' : 'off'}
                required={required.has(name)}
                min={property.minimum}
                max={property.maximum}
                step={type === 'integer' ? 1 : type === 'number' ? 'any' : undefined}
                value={String(values[name] ?? '')}
                aria-describedby={hint ? `${id}-hint` : undefined}
                onChange={(event) => set(event.target.value)}
              />
            )}
            {hint && (
              <span id={`${id}-hint`} className="hint">
                {hint}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}
