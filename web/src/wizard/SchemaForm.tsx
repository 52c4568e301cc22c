// Draws a form from a connection spec's `authSpec` JSON Schema: one control per property, typed by
// the schema, secrets as password inputs that are never prefilled.

import { useId } from 'react';
import type { ConnectionSpec, JsonSchema } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** Parameters whose values span several lines, such as a PEM private key. */
const multiLine = new Set(['privateKey']);

export type FormValues = Record<string, string | boolean>;

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((item) => item !== 'null') : schema.type;
  return type ?? 'string';
}

function inputType(type: string, secret: boolean): string {
  if (secret) return 'password';
  if (type === 'integer' || type === 'number') return 'number';
  return 'text';
}

function inputStep(type: string): number | 'any' | undefined {
  if (type === 'integer') return 1;
  if (type === 'number') return 'any';
  return undefined;
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
  const { t, lookup } = useI18n();
  const prefix = useId();
  const required = new Set(spec.authSpec.required ?? []);

  return (
    <>
      {Object.entries(spec.authSpec.properties ?? {}).map(([name, property]) => {
        const id = `${prefix}-${name}`;
        const type = typeOf(property);
        const secret = isSecret(spec, name);
        // Known parameters have translated labels; others show the spec's own title and description.
        const label = lookup(`param.${name}`) ?? property.title ?? name;
        const description = lookup(`param.${spec.id}.${name}.hint`) ?? property.description;
        const hint = [description, secret ? t('wizard.secretHint') : undefined].filter(Boolean).join(' ');
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
            {multiLine.has(name) ? (
              <textarea
                id={id}
                name={name}
                rows={5}
                spellCheck={false}
                autoComplete="off"
                required={required.has(name)}
                value={String(values[name] ?? '')}
                aria-describedby={hint ? `${id}-hint` : undefined}
                onChange={(event) => set(event.target.value)}
              />
            ) : property.enum ? (
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
                type={inputType(type, secret)}
                autoComplete={secret ? 'new-password' : 'off'}
                required={required.has(name)}
                min={property.minimum}
                max={property.maximum}
                step={inputStep(type)}
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
