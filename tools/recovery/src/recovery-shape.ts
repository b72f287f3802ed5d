import { parseCanonical } from './canonical-json';
import {
  redigested,
  RECOVERY_FORMAT,
  RECOVERY_VERSION,
  type BitcoinScript,
  type EthereumDeposit,
  type RecoveryFile,
  type RecoveryKey,
  type RecoveryWallet,
} from './recovery-format';

type Obj = Record<string, unknown>;
const HEX = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);
const PUBKEY = /^0[23][0-9a-f]{64}$/;
const EVM = /^0x[0-9a-fA-F]{40}$/;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: not an object`);
  return v as Obj;
}
function str(o: Obj, k: string, where: string, re?: RegExp): string {
  const v = o[k];
  if (typeof v !== 'string' || (re && !re.test(v))) throw new Error(`${where}.${k}: bad or missing`);
  return v;
}
function int(o: Obj, k: string, where: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${where}.${k}: not an integer`);
  return v;
}
function arr(o: Obj, k: string, where: string): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new Error(`${where}.${k}: not an array`);
  return v;
}
function only(o: Obj, keys: string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length) throw new Error(`${where}: unknown field(s) ${extra.join(', ')}`);
}

function key(v: unknown, where: string): RecoveryKey {
  const o = obj(v, where);
  only(o, ['position', 'kmsKeyId', 'publicKey', 'ethereumAddress'], where);
  return {
    position: int(o, 'position', where),
    kmsKeyId: str(o, 'kmsKeyId', where),
    publicKey: str(o, 'publicKey', where, PUBKEY),
    ethereumAddress: str(o, 'ethereumAddress', where, EVM),
  };
}

function script(v: unknown, where: string): BitcoinScript {
  const o = obj(v, where);
  only(o, ['kind', 'account', 'scriptTag', 'witnessScript', 'scriptPubKey', 'address', 'descriptor'], where);
  const kind = str(o, 'kind', where, /^(deposit|change)$/) as BitcoinScript['kind'];
  return {
    kind,
    account: str(o, 'account', where),
    scriptTag: str(o, 'scriptTag', where, HEX(40)),
    witnessScript: str(o, 'witnessScript', where, /^([0-9a-f]{2})+$/),
    scriptPubKey: str(o, 'scriptPubKey', where, HEX(68)),
    address: str(o, 'address', where),
    descriptor: str(o, 'descriptor', where),
  };
}

function deposit(v: unknown, where: string): EthereumDeposit {
  const o = obj(v, where);
  only(o, ['tag', 'asset', 'salt', 'initCodeHash', 'address'], where);
  return {
    tag: str(o, 'tag', where),
    asset: str(o, 'asset', where),
    salt: str(o, 'salt', where, /^0x[0-9a-f]{64}$/),
    initCodeHash: str(o, 'initCodeHash', where, /^0x[0-9a-f]{64}$/),
    address: str(o, 'address', where, EVM),
  };
}

function wallet(v: unknown, where: string): RecoveryWallet {
  const o = obj(v, where);
  only(
    o,
    ['id', 'label', 'chain', 'tier', 'clientId', 'status', 'threshold', 'keys', 'relayer', 'bitcoin', 'ethereum'],
    where,
  );
  const btc = o.bitcoin === null ? null : obj(o.bitcoin, `${where}.bitcoin`);
  const eth = o.ethereum === null ? null : obj(o.ethereum, `${where}.ethereum`);
  if (btc) only(btc, ['network', 'scripts'], `${where}.bitcoin`);
  if (eth) only(eth, ['safeAddress', 'factory', 'deposits'], `${where}.ethereum`);
  return {
    id: str(o, 'id', where),
    label: str(o, 'label', where),
    chain: str(o, 'chain', where),
    tier: str(o, 'tier', where),
    clientId: o.clientId === null ? null : str(o, 'clientId', where),
    status: str(o, 'status', where),
    threshold: int(o, 'threshold', where),
    keys: arr(o, 'keys', where).map((k, i) => key(k, `${where}.keys[${i}]`)),
    relayer: o.relayer === null ? null : key(o.relayer, `${where}.relayer`),
    bitcoin: btc && {
      network: str(btc, 'network', `${where}.bitcoin`, /^(mainnet|testnet|regtest)$/) as 'mainnet',
      scripts: arr(btc, 'scripts', `${where}.bitcoin`).map((s, i) => script(s, `${where}.bitcoin.scripts[${i}]`)),
    },
    ethereum: eth && {
      safeAddress: eth.safeAddress === null ? null : str(eth, 'safeAddress', `${where}.ethereum`, EVM),
      factory: str(eth, 'factory', `${where}.ethereum`, EVM),
      deposits: arr(eth, 'deposits', `${where}.ethereum`).map((d, i) => deposit(d, `${where}.ethereum.deposits[${i}]`)),
    },
  };
}

/** Reads a recovery file: canonical form, known version, every field typed; signatures are checked elsewhere. */
export function readRecoveryFile(text: string): RecoveryFile {
  const root = obj(parseCanonical(text), 'file');
  only(root, ['body', 'digest', 'signatures'], 'file');
  const body = obj(root.body, 'body');
  only(body, ['format', 'version', 'createdAt', 'wallets'], 'body');
  if (body.format !== RECOVERY_FORMAT) throw new Error(`body.format is not ${RECOVERY_FORMAT}`);
  if (body.version !== RECOVERY_VERSION) throw new Error(`body.version ${String(body.version)} is not supported`);
  return {
    body: {
      format: RECOVERY_FORMAT,
      version: RECOVERY_VERSION,
      createdAt: str(body, 'createdAt', 'body'),
      wallets: arr(body, 'wallets', 'body').map((w, i) => wallet(w, `body.wallets[${i}]`)),
    },
    digest: str(root, 'digest', 'file', HEX(64)),
    signatures: arr(root, 'signatures', 'file').map((s, i) => {
      const where = `signatures[${i}]`;
      const o = obj(s, where);
      only(o, ['walletId', 'position', 'publicKey', 'r', 's'], where);
      return {
        walletId: str(o, 'walletId', where),
        position: int(o, 'position', where),
        publicKey: str(o, 'publicKey', where, PUBKEY),
        r: str(o, 'r', where, HEX(64)),
        s: str(o, 's', where, HEX(64)),
      };
    }),
  };
}

/** A recovery file edited, its digest recomputed (signatures untouched, so they fail). */
export const redigestedFile = (text: string, edit: (file: RecoveryFile) => void): string =>
  redigested(text, edit, readRecoveryFile);
