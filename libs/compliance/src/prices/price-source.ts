import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';

/** Prices of one unit of each asset in a quote currency, as exact decimal strings. */
export interface PriceSet {
  quote: string;
  /** asset code → price of one whole unit, e.g. { BTC: "64250.17" } */
  prices: Record<string, string>;
  source: string;
  fetchedAt: string;
}

/** Where snapshot valuations come from: a file for the embedded default, HTTP in production. */
export interface PriceSource {
  current(): Promise<PriceSet>;
}

const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
const priceFile = z.object({
  quote: z.string().regex(/^[A-Z]{3,5}$/),
  prices: z.record(
    z.string().regex(/^[A-Z][A-Z0-9]{1,15}$/),
    z.string().regex(DECIMAL, 'a price is a non-negative decimal string'),
  ),
});

function parsePrices(raw: unknown, source: string): PriceSet {
  const r = priceFile.safeParse(raw);
  if (!r.success) {
    throw domainError(
      ComplianceErrors['prices.invalid'],
      `price source ${source} returned an invalid document: ${r.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return { ...r.data, source, fetchedAt: new Date().toISOString() };
}

/** Reads `{ "quote": "USD", "prices": { "BTC": "64250.17" } }` from a file on every call. */
export class FilePriceSource implements PriceSource {
  constructor(private readonly file: string) {}
  async current(): Promise<PriceSet> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      throw domainError(
        ComplianceErrors['prices.unavailable'],
        `cannot read price file ${this.file}: ${(e as Error).message}`,
      );
    }
    return parsePrices(JSON.parse(text), `file:${this.file}`);
  }
}

/** GETs the same document from a URL (e.g. the operator's pricing service). */
export class HttpPriceSource implements PriceSource {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5000,
  ) {}
  async current(): Promise<PriceSet> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (e) {
      throw domainError(
        ComplianceErrors['prices.unavailable'],
        `price source ${this.url} did not answer: ${(e as Error).message}`,
      );
    }
    if (!res.ok)
      throw domainError(ComplianceErrors['prices.unavailable'], `price source ${this.url} answered ${res.status}`);
    return parsePrices(await res.json(), this.url);
  }
}

/** Fixed prices (tests, and deployments that value nothing). */
export class StaticPriceSource implements PriceSource {
  constructor(private readonly set: Omit<PriceSet, 'fetchedAt' | 'source'>) {}
  async current(): Promise<PriceSet> {
    return parsePrices(this.set, 'static');
  }
}
