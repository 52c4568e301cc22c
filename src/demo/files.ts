import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import iconv from 'iconv-lite';
import { Temporal } from 'temporal-polyfill';

// The demo's source data: the French communes and départements published by Etalab in the
// `@etalab/decoupage-administratif` package, written the way French exports look (`;` delimiter,
// decimal commas, dd/MM/yyyy dates, Windows-1252 or UTF-8 with a BOM, CRLF line ends).

const require = createRequire(import.meta.url);

interface Commune {
  code: string;
  nom: string;
  type: string;
  departement: string;
  codesPostaux?: string[];
  population?: number;
}

interface Departement {
  code: string;
  nom: string;
  region: string;
  chefLieu: string;
}

const HOUR_MS = 3_600_000;
const PARIS = 'Europe/Paris';

/** One file of communes: its département, its last-modified time, and the rows damaged on purpose. */
export interface CommuneFilePlan {
  departement: string;
  modifiedAtMs: number;
  /** Every n-th row gets a population that is not a number, so that the run records row errors. */
  damageEvery?: number;
}

function currentCommunes(): Commune[] {
  const all = require('@etalab/decoupage-administratif/data/communes.json') as Commune[];
  return all.filter((commune) => commune.type === 'commune-actuelle');
}

function departements(): Departement[] {
  return require('@etalab/decoupage-administratif/data/departements.json') as Departement[];
}

/** `1234` → `0,123` style: a share in percent with a decimal comma and three decimals. */
function frenchDecimal(value: number): string {
  return value.toFixed(3).replace('.', ',');
}

function frenchDate(ms: number): string {
  const date = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(PARIS);
  return `${String(date.day).padStart(2, '0')}/${String(date.month).padStart(2, '0')}/${date.year}`;
}

function setModifiedTime(file: string, ms: number): void {
  const seconds = ms / 1000;
  fs.utimesSync(file, seconds, seconds);
}

/**
 * Writes `communes/communes-<département>.csv` in Windows-1252 with CRLF line ends. Columns:
 * code_insee; nom; code_departement; codes_postaux; population; part_population_departement
 * (percent, decimal comma); date_export (dd/MM/yyyy).
 */
export function writeCommuneFiles(folder: string, plans: CommuneFilePlan[]): string[] {
  const communes = currentCommunes();
  fs.mkdirSync(path.join(folder, 'communes'), { recursive: true });

  return plans.map((plan) => {
    const rows = communes.filter((commune) => commune.departement === plan.departement);
    const total = rows.reduce((sum, commune) => sum + (commune.population ?? 0), 0);
    const lines = ['code_insee;nom;code_departement;codes_postaux;population;part_population_departement;date_export'];
    rows.forEach((commune, index) => {
      const damaged = plan.damageEvery !== undefined && index % plan.damageEvery === plan.damageEvery - 1;
      const population = commune.population ?? 0;
      lines.push(
        [
          commune.code,
          commune.nom,
          commune.departement,
          (commune.codesPostaux ?? []).join(','),
          damaged ? 'non communiqué' : String(population),
          frenchDecimal(total > 0 ? (population * 100) / total : 0),
          frenchDate(plan.modifiedAtMs),
        ].join(';'),
      );
    });

    const file = path.join(folder, 'communes', `communes-${plan.departement}.csv`);
    fs.writeFileSync(file, iconv.encode(`${lines.join('\r\n')}\r\n`, 'windows-1252'));
    setModifiedTime(file, plan.modifiedAtMs);
    return file;
  });
}

/** Writes `departements/departements.csv` in UTF-8 with a byte order mark, as spreadsheet software does. */
export function writeDepartementFile(folder: string, modifiedAtMs: number): string {
  fs.mkdirSync(path.join(folder, 'departements'), { recursive: true });
  const lines = ['code_departement;nom;code_region;chef_lieu'];
  for (const departement of departements()) {
    lines.push([departement.code, departement.nom, departement.region, departement.chefLieu].join(';'));
  }

  const file = path.join(folder, 'departements', 'departements.csv');
  fs.writeFileSync(file, `\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
  setModifiedTime(file, modifiedAtMs);
  return file;
}

/**
 * Writes an SQLite database with a `populations` table: communes of the given départements, each
 * with an `updated_at` (UTC, `yyyy-MM-dd HH:mm:ss`) spread evenly from `fromMs` to `toMs`.
 */
export function writePopulationDatabase(
  file: string,
  departementCodes: string[],
  fromMs: number,
  toMs: number,
): number {
  const rows = currentCommunes().filter((commune) => departementCodes.includes(commune.departement));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });

  const database = new BetterSqlite3(file);
  try {
    database.exec(
      'CREATE TABLE populations (code_insee TEXT PRIMARY KEY, nom TEXT NOT NULL, code_departement TEXT NOT NULL, population INTEGER, updated_at DATETIME NOT NULL)',
    );
    const insert = database.prepare(
      'INSERT INTO populations (code_insee, nom, code_departement, population, updated_at) VALUES (?, ?, ?, ?, ?)',
    );
    const step = rows.length > 1 ? (toMs - fromMs) / (rows.length - 1) : 0;
    database.transaction(() => {
      rows.forEach((commune, index) => {
        const updatedAt = new Date(Math.floor(fromMs + index * step)).toISOString().slice(0, 19).replace('T', ' ');
        insert.run(commune.code, commune.nom, commune.departement, commune.population ?? null, updatedAt);
      });
    })();
  } finally {
    database.close();
  }
  return rows.length;
}

export const demoHourMs = HOUR_MS;
