// Generated from tools/proof-verifier/src by build/bundle-page.ts; do not edit. Rebuild: node tools/run.js tools/proof-verifier/build/write-page.ts
"use strict";
(() => {
  // tools/proof-verifier/src/format.ts
  var FORMAT = "strongroom-proof-of-liabilities";
  var VERSIONS = [1, 2];
  var TAG = {
    leaf: 0,
    node: 1,
    padding: 2,
    root: 3,
    context: 4,
    commitment: 5
  };
  var AMOUNT_BYTES = 32;
  var HASH_BYTES = 32;
  var NONCE_BYTES = 32;
  var MAX_DEPTH = 32;
  var MAX_ASSETS = 64;
  var MAX_ID_BYTES = 255;
  var ASSET_CODE = /^[A-Z][A-Z0-9]{1,15}$/;

  // tools/proof-verifier/src/encoding.ts
  var AMOUNT_LIMIT = 1n << 256n;
  var utf8 = new TextEncoder();
  function writeU256(value, out, offset) {
    if (value < 0n || value >= AMOUNT_LIMIT) throw new RangeError(`amount out of u256 range: ${value}`);
    let v = value;
    for (let i = AMOUNT_BYTES - 1; i >= 0; i--) {
      out[offset + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  function hexToBytes(hex) {
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError("not hex");
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  function bytesToHex(bytes) {
    let s = "";
    for (const b of bytes) s += b.toString(16).padStart(2, "0");
    return s;
  }
  function str(s) {
    const b = utf8.encode(s);
    if (b.length === 0 || b.length > MAX_ID_BYTES) throw new RangeError(`str() takes 1-${MAX_ID_BYTES} bytes`);
    return concat([[b.length], b]);
  }
  function concat(parts) {
    const len = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  function contextMessage({ version, snapshotId, snapshotTime, assets }) {
    if (assets.length === 0 || assets.length > MAX_ASSETS) throw new RangeError(`1-${MAX_ASSETS} assets`);
    if (version === 2 !== (snapshotTime !== void 0)) throw new RangeError("snapshotTime is bound in version 2 only");
    const time = snapshotTime === void 0 ? [] : [str(snapshotTime)];
    return concat([[TAG.context, version], str(snapshotId), ...time, [assets.length], ...assets.map(str)]);
  }
  function commitmentMessage(version, context, nonce, userId) {
    if (context.length !== HASH_BYTES || nonce.length !== NONCE_BYTES)
      throw new RangeError("context and nonce must be 32 bytes");
    return concat([[TAG.commitment, version], context, nonce, str(userId)]);
  }
  function leafMessage(version, commitment, balances) {
    const out = new Uint8Array(2 + HASH_BYTES + AMOUNT_BYTES * balances.length);
    out[0] = TAG.leaf;
    out[1] = version;
    out.set(commitment, 2);
    balances.forEach((b, i) => writeU256(b, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
    return out;
  }
  function nodeMessage(version, leftHash, leftSums, rightHash, rightSums) {
    const n = leftSums.length;
    const half = HASH_BYTES + AMOUNT_BYTES * n;
    const out = new Uint8Array(2 + 2 * half);
    out[0] = TAG.node;
    out[1] = version;
    out.set(leftHash, 2);
    leftSums.forEach((s, i) => writeU256(s, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
    out.set(rightHash, 2 + half);
    rightSums.forEach((s, i) => writeU256(s, out, 2 + half + HASH_BYTES + AMOUNT_BYTES * i));
    return out;
  }
  function rootMessage(version, context, depth, topHash, totals) {
    if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) throw new RangeError(`depth 0-${MAX_DEPTH}`);
    const out = new Uint8Array(2 + HASH_BYTES + 1 + HASH_BYTES + AMOUNT_BYTES * totals.length);
    out[0] = TAG.root;
    out[1] = version;
    out.set(context, 2);
    out[2 + HASH_BYTES] = depth;
    out.set(topHash, 3 + HASH_BYTES);
    totals.forEach((t, i) => writeU256(t, out, 3 + 2 * HASH_BYTES + AMOUNT_BYTES * i));
    return out;
  }
  function amountMap(assets, values) {
    return Object.fromEntries(assets.map((a, i) => [a, values[i].toString()]));
  }

  // tools/proof-verifier/src/refusals.ts
  var REFUSALS = {
    // Bytes and JSON (§ JSON rules), in one left-to-right pass.
    too_large: "the document is larger than 4 MiB of UTF-8",
    bom: "the document starts with a byte order mark",
    invalid_utf8: "the bytes are not well-formed UTF-8",
    json_syntax: "not one RFC 8259 JSON value",
    too_deep: "arrays and objects nest deeper than 16 levels",
    duplicate_key: "an object has the same key twice",
    lone_surrogate: "a string holds an unpaired UTF-16 surrogate",
    non_integer: "a number is not an integer written in canonical form (no fraction, exponent or -0)",
    // Fields (§ fields), in the order of each document's table.
    wrong_type: "a value has the wrong JSON type",
    unknown_format: 'format is not "strongroom-proof-of-liabilities"',
    unsupported_version: "a version this verifier does not know",
    wrong_kind: "a published root given as a proof, or a proof as a published root",
    unknown_field: "a field the format does not define",
    missing_field: "a required field is absent",
    id_forbidden_char: "an identifier holds a control, bidirectional-formatting or line-separator character",
    id_not_nfc: "an identifier is not in Unicode Normalization Form C",
    id_length: "an identifier is empty or longer than 255 UTF-8 bytes",
    time_invalid: "snapshotTime is not a UTC time YYYY-MM-DDTHH:MM:SS.sssZ of a real date",
    assets_invalid: "the asset list is not 1-64 distinct codes (in ascending order, version 2)",
    asset_set: "an amount map does not hold exactly the listed assets",
    non_ascii_digit: "an amount holds a digit other than 0-9",
    amount_not_canonical: "an amount is not a decimal string without sign, fraction or leading zeros",
    amount_range: "an amount is 2^256 or more",
    hex_invalid: "a hash or nonce is not 64 lower-case hex characters",
    depth_range: "the depth (path length) is above 32",
    leaf_index_range: "leafIndex is not below 2^depth",
    // The user (§ verification, step 2).
    user_required: "no user id was given to check the proof for",
    user_invalid: "the user id given breaks the identifier rules",
    user_mismatch: "the proof is for another user",
    // The path (steps 3-4).
    sum_overflow: "a sum on the path reaches 2^256",
    root_mismatch: "the path does not lead to the proof's root",
    totals_mismatch: "the path does not add up to the proof's totals",
    // The trusted root (steps 5-6).
    published_inconsistent: "the published document: its root is not the hash of its own fields",
    published_mismatch: "the published document is for another snapshot, time, asset list, depth or version",
    root_input_invalid: "the root given is not 64 hex digits",
    expected_root_mismatch: "the proof leads to another root than the published one",
    published_totals_mismatch: "the path adds up to other totals than the published ones"
  };
  var Refusal = class extends Error {
    constructor(code, at, detail) {
      const path = at.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      super(`${path}: ${detail ?? REFUSALS[code]}`);
      this.code = code;
      this.at = at;
      this.subject = "proof";
      this.name = "Refusal";
    }
  };
  function within(subject, stage) {
    try {
      return stage();
    } catch (err) {
      if (err instanceof Refusal) err.subject = subject;
      throw err;
    }
  }

  // tools/proof-verifier/src/strict-json.ts
  var JsonNumber = class {
    constructor(text) {
      this.text = text;
    }
  };
  var MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
  var MAX_NESTING = 16;
  var decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  var INTEGER = /^(0|-?[1-9][0-9]*)$/;
  var NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  var ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "	" };
  function utf8Length(text) {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) n += 1;
      else if (c < 2048) n += 2;
      else if (c >= 55296 && c <= 56319 && i + 1 < text.length && (text.charCodeAt(i + 1) & 64512) === 56320) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }
  function isWellFormed(s) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 55296 || c > 57343) continue;
      if (c > 56319 || i + 1 >= s.length || (s.charCodeAt(i + 1) & 64512) !== 56320) return false;
      i++;
    }
    return true;
  }
  function parseStrictJson(input, maxBytes = MAX_DOCUMENT_BYTES) {
    let text;
    if (typeof input === "string") {
      if (utf8Length(input) > maxBytes) throw new Refusal("too_large", "$");
      if (input.charCodeAt(0) === 65279) throw new Refusal("bom", "$");
      text = input;
    } else {
      if (input.length > maxBytes) throw new Refusal("too_large", "$");
      if (input[0] === 239 && input[1] === 187 && input[2] === 191) throw new Refusal("bom", "$");
      try {
        text = decoder.decode(input);
      } catch {
        throw new Refusal("invalid_utf8", "$", `not well-formed UTF-8 (byte ${firstBadUtf8(input)})`);
      }
    }
    return new Reader(text).document();
  }
  function firstBadUtf8(bytes) {
    for (let end = 1; end <= bytes.length; end++) {
      try {
        decoder.decode(bytes.subarray(0, end), { stream: true });
      } catch {
        return end - 1;
      }
    }
    return bytes.length;
  }
  var Reader = class {
    constructor(text) {
      this.text = text;
      this.at = 0;
    }
    document() {
      this.space();
      const value = this.value(0, "$");
      this.space();
      if (this.at < this.text.length) this.syntax("text after the JSON value");
      return value;
    }
    syntax(what) {
      throw new Refusal("json_syntax", "$", `${what} at character ${this.at}`);
    }
    space() {
      const t = this.text;
      while (this.at < t.length) {
        const c = t.charCodeAt(this.at);
        if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
        this.at++;
      }
    }
    value(depth, where) {
      const c = this.text[this.at];
      if (c === "{" || c === "[") {
        if (depth >= MAX_NESTING) throw new Refusal("too_deep", where, `nested deeper than ${MAX_NESTING} levels`);
        return c === "{" ? this.object(depth + 1, where) : this.array(depth + 1, where);
      }
      if (c === '"') return this.string(where);
      for (const [word, v] of [
        ["true", true],
        ["false", false],
        ["null", null]
      ]) {
        if (this.text.startsWith(word, this.at)) {
          this.at += word.length;
          return v;
        }
      }
      return this.number(where);
    }
    object(depth, where) {
      const out = /* @__PURE__ */ new Map();
      this.at++;
      this.space();
      if (this.text[this.at] === "}") {
        this.at++;
        return out;
      }
      for (; ; ) {
        if (this.text[this.at] !== '"') this.syntax("expected a key");
        const key = this.string(where);
        const inner = `${where}.${key}`;
        if (out.has(key)) throw new Refusal("duplicate_key", inner, `the key ${quote(key)} appears twice`);
        this.space();
        if (this.text[this.at] !== ":") this.syntax('expected ":"');
        this.at++;
        this.space();
        out.set(key, this.value(depth, inner));
        this.space();
        const c = this.text[this.at++];
        if (c === "}") return out;
        if (c !== ",") this.syntax('expected "," or "}"');
        this.space();
      }
    }
    array(depth, where) {
      const out = [];
      this.at++;
      this.space();
      if (this.text[this.at] === "]") {
        this.at++;
        return out;
      }
      for (; ; ) {
        out.push(this.value(depth, `${where}[${out.length}]`));
        this.space();
        const c = this.text[this.at++];
        if (c === "]") return out;
        if (c !== ",") this.syntax('expected "," or "]"');
        this.space();
      }
    }
    string(where) {
      const t = this.text;
      let out = "";
      let from = ++this.at;
      for (; ; ) {
        if (this.at >= t.length) this.syntax("unterminated string");
        const c = t.charCodeAt(this.at);
        if (c === 34) break;
        if (c < 32) this.syntax("a control character inside a string (escape it)");
        if (c !== 92) {
          this.at++;
          continue;
        }
        out += t.slice(from, this.at);
        const e = t[this.at + 1];
        if (e === "u") {
          const hex = t.slice(this.at + 2, this.at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.syntax("a bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.at += 6;
        } else if (e !== void 0 && e in ESCAPES) {
          out += ESCAPES[e];
          this.at += 2;
        } else this.syntax("a bad escape");
        from = this.at;
      }
      out += t.slice(from, this.at);
      this.at++;
      if (!isWellFormed(out)) throw new Refusal("lone_surrogate", where, "a string holds an unpaired surrogate");
      return out;
    }
    number(where) {
      NUMBER.lastIndex = this.at;
      const m = NUMBER.exec(this.text);
      if (!m) this.syntax("expected a JSON value");
      this.at += m[0].length;
      if (!INTEGER.test(m[0])) throw new Refusal("non_integer", where, `${m[0]} is not an integer in canonical form`);
      return new JsonNumber(m[0]);
    }
  };
  function quote(s) {
    const shown = s.length > 80 ? `${s.slice(0, 80)}...` : s;
    return JSON.stringify(shown).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }

  // tools/proof-verifier/src/fields.ts
  function asObject(v, where) {
    if (!(v instanceof Map)) throw new Refusal("wrong_type", where, "expected an object");
    return v;
  }
  function asArray(v, where) {
    if (!Array.isArray(v)) throw new Refusal("wrong_type", where, "expected an array");
    return v;
  }
  function asString(v, where) {
    if (typeof v !== "string") throw new Refusal("wrong_type", where, "expected a string");
    return v;
  }
  function asInteger(v, where) {
    if (!(v instanceof JsonNumber)) throw new Refusal("wrong_type", where, "expected an integer");
    return BigInt(v.text);
  }
  function field(obj, key, where) {
    const v = obj.get(key);
    if (v === void 0) throw new Refusal("missing_field", `${where}.${key}`, `${where}.${key} is missing`);
    return v;
  }
  function onlyKeys(obj, allowed, where) {
    for (const key of obj.keys())
      if (!allowed.includes(key)) throw new Refusal("unknown_field", `${where}.${key}`, `unknown field ${quote(key)}`);
  }
  function readAssets(v, where, version) {
    const list = asArray(v, where);
    if (list.length === 0 || list.length > MAX_ASSETS)
      throw new Refusal("assets_invalid", where, `expected 1-${MAX_ASSETS} asset codes, got ${list.length}`);
    const out = [];
    list.forEach((item, i) => {
      const code = asString(item, `${where}[${i}]`);
      if (!ASSET_CODE.test(code))
        throw new Refusal("assets_invalid", `${where}[${i}]`, `invalid asset code ${quote(code)}`);
      if (out.includes(code)) throw new Refusal("assets_invalid", `${where}[${i}]`, `duplicate asset code ${code}`);
      if (version >= 2 && i > 0 && code < out[i - 1])
        throw new Refusal("assets_invalid", `${where}[${i}]`, `${code} after ${out[i - 1]}: codes must be ascending`);
      out.push(code);
    });
    return out;
  }
  var NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/u;
  var DECIMAL = /^(0|[1-9][0-9]*)$/;
  function readAmount(v, where) {
    const s = asString(v, where);
    if (NON_ASCII_DIGIT.test(s)) throw new Refusal("non_ascii_digit", where, `${quote(s)} holds a digit other than 0-9`);
    if (!DECIMAL.test(s)) throw new Refusal("amount_not_canonical", where, `${quote(s)} is not a canonical amount`);
    if (s.length > 78 || BigInt(s) >= AMOUNT_LIMIT) throw new Refusal("amount_range", where, "exceeds 2^256-1");
    return BigInt(s);
  }
  function readAmounts(v, assets, where) {
    const map = asObject(v, where);
    for (const key of map.keys())
      if (!assets.includes(key)) throw new Refusal("asset_set", `${where}.${key}`, `unknown asset ${quote(key)}`);
    const missing = assets.find((a) => !map.has(a));
    if (missing !== void 0) throw new Refusal("asset_set", `${where}.${missing}`, `missing asset ${missing}`);
    return assets.map((a) => readAmount(map.get(a), `${where}.${a}`));
  }
  var HEX32 = /^[0-9a-f]{64}$/;
  function readHash(v, where) {
    const s = asString(v, where);
    if (!HEX32.test(s)) throw new Refusal("hex_invalid", where, "expected 64 lower-case hex characters");
    return hexToBytes(s);
  }

  // tools/proof-verifier/src/identifiers.ts
  var FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
  function checkIdentifier(value, where, version = 2) {
    if (typeof value !== "string") throw new Refusal("wrong_type", where, "expected a string");
    if (!isWellFormed(value)) throw new Refusal("lone_surrogate", where, "holds an unpaired surrogate");
    if (version >= 2) {
      const bad = FORBIDDEN.exec(value);
      if (bad)
        throw new Refusal(
          "id_forbidden_char",
          where,
          `holds U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at position ${bad.index}`
        );
      if (value.normalize("NFC") !== value)
        throw new Refusal("id_not_nfc", where, "is not in Unicode Normalization Form C (NFC)");
    }
    const bytes = utf8Length(value);
    if (bytes === 0 || bytes > MAX_ID_BYTES)
      throw new Refusal("id_length", where, `is ${bytes} UTF-8 bytes (1-${MAX_ID_BYTES} allowed)`);
    return value;
  }
  var TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{3}Z$/;
  function checkSnapshotTime(value, where) {
    if (typeof value !== "string") throw new Refusal("wrong_type", where, "expected a string");
    const m = TIME.exec(value);
    const [year, month, day, hour, minute, second] = (m ?? []).slice(1).map(Number);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (!m || days === void 0 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59)
      throw new Refusal("time_invalid", where, "expected YYYY-MM-DDTHH:MM:SS.sssZ of a real UTC date and time");
    return value;
  }

  // tools/proof-verifier/src/documents.ts
  var PROOF_FIELDS = {
    1: ["snapshotId", "assets", "root", "totals", "userId", "nonce", "balances", "path", "leafIndex"],
    2: ["snapshotId", "snapshotTime", "assets", "root", "totals", "userId", "nonce", "balances", "path", "leafIndex"]
  };
  var PUBLISHED_FIELDS = {
    1: ["snapshotId", "assets", "depth", "root", "totals"],
    2: ["snapshotId", "snapshotTime", "assets", "depth", "topHash", "totals", "root", "attestations"]
  };
  function header(v, kind, fields) {
    const doc2 = asObject(v, "$");
    const format = field(doc2, "format", "$");
    if (format !== FORMAT) throw new Refusal("unknown_format", "$.format", `expected "${FORMAT}"`);
    const n = asInteger(field(doc2, "version", "$"), "$.version");
    const version = VERSIONS.find((k) => BigInt(k) === n);
    if (version === void 0)
      throw new Refusal(
        "unsupported_version",
        "$.version",
        `version ${n} is not supported (known: ${VERSIONS.join(", ")})`
      );
    const head = ["format", "version"];
    if (version >= 2) {
      const k = asString(field(doc2, "kind", "$"), "$.kind");
      if (k !== kind) throw new Refusal("wrong_kind", "$.kind", `expected kind "${kind}", got ${quote(k)}`);
      head.push("kind");
    }
    onlyKeys(doc2, [...head, ...fields[version]], "$");
    return { doc: doc2, version };
  }
  function snapshot(doc2, version) {
    const snapshotId = checkIdentifier(field(doc2, "snapshotId", "$"), "$.snapshotId", version);
    const snapshotTime = version >= 2 ? checkSnapshotTime(field(doc2, "snapshotTime", "$"), "$.snapshotTime") : void 0;
    const assets = readAssets(field(doc2, "assets", "$"), "$.assets", version);
    return { version, snapshotId, snapshotTime, assets };
  }
  function readProof(v) {
    const { doc: doc2, version } = header(v, "inclusion", PROOF_FIELDS);
    const s = snapshot(doc2, version);
    const root = readHash(field(doc2, "root", "$"), "$.root");
    const totals = readAmounts(field(doc2, "totals", "$"), s.assets, "$.totals");
    const userId = checkIdentifier(field(doc2, "userId", "$"), "$.userId", version);
    const nonce = readHash(field(doc2, "nonce", "$"), "$.nonce");
    const balances = readAmounts(field(doc2, "balances", "$"), s.assets, "$.balances");
    const steps = asArray(field(doc2, "path", "$"), "$.path");
    if (steps.length > MAX_DEPTH)
      throw new Refusal("depth_range", "$.path", `${steps.length} steps; at most ${MAX_DEPTH} allowed`);
    const path = steps.map((step, i) => {
      const at = `$.path[${i}]`;
      const o = asObject(step, at);
      onlyKeys(o, ["hash", "sums"], at);
      return {
        hash: readHash(field(o, "hash", at), `${at}.hash`),
        sums: readAmounts(field(o, "sums", at), s.assets, `${at}.sums`)
      };
    });
    const index = asInteger(field(doc2, "leafIndex", "$"), "$.leafIndex");
    if (index < 0n || index >= 1n << BigInt(path.length))
      throw new Refusal("leaf_index_range", "$.leafIndex", `${index} is not in [0, 2^${path.length})`);
    return { ...s, root, totals, userId, nonce, balances, path, leafIndex: Number(index) };
  }
  var ATTESTATION_TYPE = /^[a-z][a-z0-9-]{0,31}$/;
  function readPublished(v) {
    const { doc: doc2, version } = header(v, "root", PUBLISHED_FIELDS);
    const s = snapshot(doc2, version);
    const depth = asInteger(field(doc2, "depth", "$"), "$.depth");
    if (depth < 0n || depth > BigInt(MAX_DEPTH)) throw new Refusal("depth_range", "$.depth", `depth 0-${MAX_DEPTH}`);
    const topHash = version >= 2 ? readHash(field(doc2, "topHash", "$"), "$.topHash") : void 0;
    const totals = readAmounts(field(doc2, "totals", "$"), s.assets, "$.totals");
    const root = readHash(field(doc2, "root", "$"), "$.root");
    const attestations = version >= 2 ? asArray(field(doc2, "attestations", "$"), "$.attestations").map((a, i) => {
      const type = asString(
        field(asObject(a, `$.attestations[${i}]`), "type", `$.attestations[${i}]`),
        `$.attestations[${i}].type`
      );
      if (!ATTESTATION_TYPE.test(type))
        throw new Refusal("wrong_type", `$.attestations[${i}].type`, `${quote(type)} is not an attestation type`);
      return { type };
    }) : [];
    return { ...s, depth: Number(depth), topHash, totals, root, attestations };
  }

  // node_modules/@noble/hashes/esm/utils.js
  /*! noble-hashes - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  function isBytes(a) {
    return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array";
  }
  function abytes(b, ...lengths) {
    if (!isBytes(b))
      throw new Error("Uint8Array expected");
    if (lengths.length > 0 && !lengths.includes(b.length))
      throw new Error("Uint8Array expected of length " + lengths + ", got length=" + b.length);
  }
  function aexists(instance, checkFinished = true) {
    if (instance.destroyed)
      throw new Error("Hash instance has been destroyed");
    if (checkFinished && instance.finished)
      throw new Error("Hash#digest() has already been called");
  }
  function aoutput(out, instance) {
    abytes(out);
    const min = instance.outputLen;
    if (out.length < min) {
      throw new Error("digestInto() expects output buffer of length at least " + min);
    }
  }
  function clean(...arrays) {
    for (let i = 0; i < arrays.length; i++) {
      arrays[i].fill(0);
    }
  }
  function createView(arr) {
    return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  function rotr(word, shift) {
    return word << 32 - shift | word >>> shift;
  }
  function utf8ToBytes(str2) {
    if (typeof str2 !== "string")
      throw new Error("string expected");
    return new Uint8Array(new TextEncoder().encode(str2));
  }
  function toBytes(data) {
    if (typeof data === "string")
      data = utf8ToBytes(data);
    abytes(data);
    return data;
  }
  var Hash = class {
  };
  function createHasher(hashCons) {
    const hashC = (msg) => hashCons().update(toBytes(msg)).digest();
    const tmp = hashCons();
    hashC.outputLen = tmp.outputLen;
    hashC.blockLen = tmp.blockLen;
    hashC.create = () => hashCons();
    return hashC;
  }

  // node_modules/@noble/hashes/esm/_md.js
  function setBigUint64(view, byteOffset, value, isLE) {
    if (typeof view.setBigUint64 === "function")
      return view.setBigUint64(byteOffset, value, isLE);
    const _32n = BigInt(32);
    const _u32_max = BigInt(4294967295);
    const wh = Number(value >> _32n & _u32_max);
    const wl = Number(value & _u32_max);
    const h = isLE ? 4 : 0;
    const l = isLE ? 0 : 4;
    view.setUint32(byteOffset + h, wh, isLE);
    view.setUint32(byteOffset + l, wl, isLE);
  }
  function Chi(a, b, c) {
    return a & b ^ ~a & c;
  }
  function Maj(a, b, c) {
    return a & b ^ a & c ^ b & c;
  }
  var HashMD = class extends Hash {
    constructor(blockLen, outputLen, padOffset, isLE) {
      super();
      this.finished = false;
      this.length = 0;
      this.pos = 0;
      this.destroyed = false;
      this.blockLen = blockLen;
      this.outputLen = outputLen;
      this.padOffset = padOffset;
      this.isLE = isLE;
      this.buffer = new Uint8Array(blockLen);
      this.view = createView(this.buffer);
    }
    update(data) {
      aexists(this);
      data = toBytes(data);
      abytes(data);
      const { view, buffer, blockLen } = this;
      const len = data.length;
      for (let pos = 0; pos < len; ) {
        const take = Math.min(blockLen - this.pos, len - pos);
        if (take === blockLen) {
          const dataView = createView(data);
          for (; blockLen <= len - pos; pos += blockLen)
            this.process(dataView, pos);
          continue;
        }
        buffer.set(data.subarray(pos, pos + take), this.pos);
        this.pos += take;
        pos += take;
        if (this.pos === blockLen) {
          this.process(view, 0);
          this.pos = 0;
        }
      }
      this.length += data.length;
      this.roundClean();
      return this;
    }
    digestInto(out) {
      aexists(this);
      aoutput(out, this);
      this.finished = true;
      const { buffer, view, blockLen, isLE } = this;
      let { pos } = this;
      buffer[pos++] = 128;
      clean(this.buffer.subarray(pos));
      if (this.padOffset > blockLen - pos) {
        this.process(view, 0);
        pos = 0;
      }
      for (let i = pos; i < blockLen; i++)
        buffer[i] = 0;
      setBigUint64(view, blockLen - 8, BigInt(this.length * 8), isLE);
      this.process(view, 0);
      const oview = createView(out);
      const len = this.outputLen;
      if (len % 4)
        throw new Error("_sha2: outputLen should be aligned to 32bit");
      const outLen = len / 4;
      const state = this.get();
      if (outLen > state.length)
        throw new Error("_sha2: outputLen bigger than state");
      for (let i = 0; i < outLen; i++)
        oview.setUint32(4 * i, state[i], isLE);
    }
    digest() {
      const { buffer, outputLen } = this;
      this.digestInto(buffer);
      const res = buffer.slice(0, outputLen);
      this.destroy();
      return res;
    }
    _cloneInto(to) {
      to || (to = new this.constructor());
      to.set(...this.get());
      const { blockLen, buffer, length, finished, destroyed, pos } = this;
      to.destroyed = destroyed;
      to.finished = finished;
      to.length = length;
      to.pos = pos;
      if (length % blockLen)
        to.buffer.set(buffer);
      return to;
    }
    clone() {
      return this._cloneInto();
    }
  };
  var SHA256_IV = /* @__PURE__ */ Uint32Array.from([
    1779033703,
    3144134277,
    1013904242,
    2773480762,
    1359893119,
    2600822924,
    528734635,
    1541459225
  ]);

  // node_modules/@noble/hashes/esm/sha2.js
  var SHA256_K = /* @__PURE__ */ Uint32Array.from([
    1116352408,
    1899447441,
    3049323471,
    3921009573,
    961987163,
    1508970993,
    2453635748,
    2870763221,
    3624381080,
    310598401,
    607225278,
    1426881987,
    1925078388,
    2162078206,
    2614888103,
    3248222580,
    3835390401,
    4022224774,
    264347078,
    604807628,
    770255983,
    1249150122,
    1555081692,
    1996064986,
    2554220882,
    2821834349,
    2952996808,
    3210313671,
    3336571891,
    3584528711,
    113926993,
    338241895,
    666307205,
    773529912,
    1294757372,
    1396182291,
    1695183700,
    1986661051,
    2177026350,
    2456956037,
    2730485921,
    2820302411,
    3259730800,
    3345764771,
    3516065817,
    3600352804,
    4094571909,
    275423344,
    430227734,
    506948616,
    659060556,
    883997877,
    958139571,
    1322822218,
    1537002063,
    1747873779,
    1955562222,
    2024104815,
    2227730452,
    2361852424,
    2428436474,
    2756734187,
    3204031479,
    3329325298
  ]);
  var SHA256_W = /* @__PURE__ */ new Uint32Array(64);
  var SHA256 = class extends HashMD {
    constructor(outputLen = 32) {
      super(64, outputLen, 8, false);
      this.A = SHA256_IV[0] | 0;
      this.B = SHA256_IV[1] | 0;
      this.C = SHA256_IV[2] | 0;
      this.D = SHA256_IV[3] | 0;
      this.E = SHA256_IV[4] | 0;
      this.F = SHA256_IV[5] | 0;
      this.G = SHA256_IV[6] | 0;
      this.H = SHA256_IV[7] | 0;
    }
    get() {
      const { A, B, C, D, E, F, G, H } = this;
      return [A, B, C, D, E, F, G, H];
    }
    // prettier-ignore
    set(A, B, C, D, E, F, G, H) {
      this.A = A | 0;
      this.B = B | 0;
      this.C = C | 0;
      this.D = D | 0;
      this.E = E | 0;
      this.F = F | 0;
      this.G = G | 0;
      this.H = H | 0;
    }
    process(view, offset) {
      for (let i = 0; i < 16; i++, offset += 4)
        SHA256_W[i] = view.getUint32(offset, false);
      for (let i = 16; i < 64; i++) {
        const W15 = SHA256_W[i - 15];
        const W2 = SHA256_W[i - 2];
        const s0 = rotr(W15, 7) ^ rotr(W15, 18) ^ W15 >>> 3;
        const s1 = rotr(W2, 17) ^ rotr(W2, 19) ^ W2 >>> 10;
        SHA256_W[i] = s1 + SHA256_W[i - 7] + s0 + SHA256_W[i - 16] | 0;
      }
      let { A, B, C, D, E, F, G, H } = this;
      for (let i = 0; i < 64; i++) {
        const sigma1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
        const T1 = H + sigma1 + Chi(E, F, G) + SHA256_K[i] + SHA256_W[i] | 0;
        const sigma0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
        const T2 = sigma0 + Maj(A, B, C) | 0;
        H = G;
        G = F;
        F = E;
        E = D + T1 | 0;
        D = C;
        C = B;
        B = A;
        A = T1 + T2 | 0;
      }
      A = A + this.A | 0;
      B = B + this.B | 0;
      C = C + this.C | 0;
      D = D + this.D | 0;
      E = E + this.E | 0;
      F = F + this.F | 0;
      G = G + this.G | 0;
      H = H + this.H | 0;
      this.set(A, B, C, D, E, F, G, H);
    }
    roundClean() {
      clean(SHA256_W);
    }
    destroy() {
      this.set(0, 0, 0, 0, 0, 0, 0, 0);
      clean(this.buffer);
    }
  };
  var sha256 = /* @__PURE__ */ createHasher(() => new SHA256());

  // tools/proof-verifier/src/hash.ts
  function sha2562(message) {
    return sha256(message);
  }

  // tools/proof-verifier/src/verify.ts
  function readDocument(input) {
    if (typeof input === "string" || input instanceof Uint8Array) return parseStrictJson(input);
    let text;
    try {
      text = JSON.stringify(input);
    } catch (err) {
      throw new Refusal("json_syntax", "$", `not serialisable as JSON: ${err.message}`);
    }
    if (text === void 0) throw new Refusal("json_syntax", "$", "not a JSON value");
    return parseStrictJson(text);
  }
  function contextHash(s) {
    return sha2562(contextMessage(s));
  }
  function refused(err) {
    return { outcome: "invalid", valid: false, code: err.code, subject: err.subject, at: err.at, reason: err.message };
  }
  function verifyProof(input, given) {
    const options = given ?? {};
    try {
      const proof = within("proof", () => readProof(readDocument(input)));
      within("user", () => checkUser(proof, options.userId));
      const { root, sums } = fold(proof);
      within("proof", () => checkClaims(proof, root, sums));
      const checkedAgainst = [];
      let attestations = [];
      if (options.published !== void 0) {
        const doc2 = within("published", () => readPublished(readDocument(options.published)));
        within("published", () => checkPublished(doc2, proof, root, sums));
        attestations = doc2.attestations.map((a) => a.type);
        checkedAgainst.push("published");
      }
      if (options.expectedRoot !== void 0) {
        within("root", () => checkExpectedRoot(options.expectedRoot, root));
        checkedAgainst.push("root");
      }
      const facts = {
        version: proof.version,
        snapshotId: proof.snapshotId,
        snapshotTime: proof.snapshotTime ?? null,
        assets: proof.assets,
        userId: proof.userId,
        balances: amountMap(proof.assets, proof.balances),
        totals: amountMap(proof.assets, sums),
        root: bytesToHex(root),
        depth: proof.path.length
      };
      if (checkedAgainst.length === 0) return { ...facts, outcome: "self_consistent", valid: false };
      return { ...facts, outcome: "valid", valid: true, checkedAgainst, uncheckedAttestations: attestations };
    } catch (err) {
      if (err instanceof Refusal) return refused(err);
      throw err;
    }
  }
  function checkUser(proof, userId) {
    if (userId === void 0 || userId === null || userId === "")
      throw new Refusal("user_required", "user", REFUSALS.user_required);
    try {
      checkIdentifier(userId, "user", proof.version);
    } catch (err) {
      if (err instanceof Refusal)
        throw new Refusal("user_invalid", "user", `the user id given ${err.message.replace(/^user: /, "")}`);
      throw err;
    }
    if (userId !== proof.userId)
      throw new Refusal(
        "user_mismatch",
        "$.userId",
        `the proof is for ${quote(proof.userId)}, not for ${quote(userId)}`
      );
  }
  function fold(proof) {
    const v = proof.version;
    const context = contextHash(proof);
    let hash = sha2562(leafMessage(v, sha2562(commitmentMessage(v, context, proof.nonce, proof.userId)), proof.balances));
    let sums = proof.balances;
    proof.path.forEach((sibling, level) => {
      const isRight = Math.floor(proof.leafIndex / 2 ** level) % 2 === 1;
      hash = isRight ? sha2562(nodeMessage(v, sibling.hash, sibling.sums, hash, sums)) : sha2562(nodeMessage(v, hash, sums, sibling.hash, sibling.sums));
      const parent = sums.map((s, i) => s + sibling.sums[i]);
      const over = parent.findIndex((s) => s >= AMOUNT_LIMIT);
      if (over >= 0)
        throw new Refusal(
          "sum_overflow",
          `$.path[${level}].sums.${proof.assets[over]}`,
          `the ${proof.assets[over]} sum at level ${level + 1} exceeds 2^256-1`
        );
      sums = parent;
    });
    return { root: sha2562(rootMessage(v, context, proof.path.length, hash, sums)), sums };
  }
  function checkClaims(proof, root, sums) {
    if (bytesToHex(root) !== bytesToHex(proof.root))
      throw new Refusal(
        "root_mismatch",
        "$.root",
        `the recomputed root ${bytesToHex(root)} differs from the proof's root ${bytesToHex(proof.root)}: the balances, user id, nonce, snapshot, asset list, leaf index or a sibling (hash or sums) was altered or is missing`
      );
    const wrong = proof.totals.findIndex((t, i) => t !== sums[i]);
    if (wrong >= 0)
      throw new Refusal(
        "totals_mismatch",
        `$.totals.${proof.assets[wrong]}`,
        `the proof claims ${proof.assets[wrong]} total ${proof.totals[wrong]} but its path sums to ${sums[wrong]}`
      );
  }
  function checkPublished(doc2, proof, root, sums) {
    checkPublishedBinding(doc2);
    const same = [
      ["version", doc2.version, proof.version],
      ["snapshotId", doc2.snapshotId, proof.snapshotId],
      ["snapshotTime", doc2.snapshotTime, proof.snapshotTime],
      ["assets", doc2.assets.join(","), proof.assets.join(",")],
      ["depth", doc2.depth, proof.path.length]
    ];
    for (const [name, published, proven] of same)
      if (published !== proven)
        throw new Refusal("published_mismatch", `$.${name}`, `the published document's ${name} differs from the proof's`);
    if (bytesToHex(doc2.root) !== bytesToHex(root))
      throw new Refusal(
        "expected_root_mismatch",
        "$.root",
        `the proof leads to root ${bytesToHex(root)}, not to the published ${bytesToHex(doc2.root)}`
      );
    const wrong = doc2.totals.findIndex((t, i) => t !== sums[i]);
    if (wrong >= 0)
      throw new Refusal(
        "published_totals_mismatch",
        `$.totals.${doc2.assets[wrong]}`,
        `published ${doc2.assets[wrong]} total ${doc2.totals[wrong]}, but the proof's path sums to ${sums[wrong]}`
      );
  }
  function checkPublishedBinding(doc2) {
    if (doc2.topHash === void 0) return;
    const recomputed = sha2562(rootMessage(doc2.version, contextHash(doc2), doc2.depth, doc2.topHash, doc2.totals));
    if (bytesToHex(recomputed) !== bytesToHex(doc2.root))
      throw new Refusal(
        "published_inconsistent",
        "$.root",
        `the root of these fields is ${bytesToHex(recomputed)}, not the ${bytesToHex(doc2.root)} the document states: its totals, top hash, depth, snapshot or asset list were changed`
      );
  }
  function parseRootText(text) {
    const t = typeof text === "string" ? text.trim().replace(/^0x/i, "") : "";
    if (!/^[0-9a-fA-F]{64}$/.test(t))
      throw new Refusal("root_input_invalid", "root", "expected the root as 64 hex digits");
    return t.toLowerCase();
  }
  function checkExpectedRoot(text, root) {
    const expected = parseRootText(text);
    if (expected !== bytesToHex(root))
      throw new Refusal(
        "expected_root_mismatch",
        "root",
        `the proof leads to root ${bytesToHex(root)}, not to the published root ${expected}`
      );
  }

  // tools/proof-verifier/src/page.ts
  var doc = globalThis.document;
  function byId(id) {
    const el2 = doc.getElementById(id);
    if (!el2) throw new Error(`missing #${id}`);
    return el2;
  }
  function el(tag, text, className) {
    const e = doc.createElement(tag);
    if (text !== void 0) e.textContent = text;
    if (className) e.className = className;
    return e;
  }
  async function proofInput() {
    const files = byId("proof-file").files;
    if (files && files.length > 0) return new Uint8Array(await files[0].arrayBuffer());
    return byId("proof").value;
  }
  function trust() {
    const text = byId("published").value.trim();
    if (text === "") return {};
    return text.startsWith("{") ? { published: text } : { expectedRoot: text };
  }
  function show(result) {
    const status = byId("status");
    const details = byId("details");
    details.replaceChildren();
    if (result.outcome === "invalid") {
      status.setAttribute("data-result", "invalid");
      status.className = "invalid";
      status.textContent = `Invalid proof (${result.code})`;
      details.appendChild(el("p", `${result.subject}: ${result.reason}`, "reason"));
      return;
    }
    const valid = result.outcome === "valid";
    status.setAttribute("data-result", valid ? "valid" : "self-consistent");
    status.className = valid ? "valid" : "warning";
    status.textContent = valid ? `Valid: ${result.userId} is included in snapshot ${result.snapshotId}` : "SELF-CONSISTENT ONLY: not checked against a published root";
    const table = el("table");
    const head = el("tr");
    for (const h of ["Asset", "Your balance", "Total liabilities"]) head.appendChild(el("th", h));
    table.appendChild(head);
    for (const a of result.assets) {
      const row = el("tr");
      row.setAttribute("data-asset", a);
      row.appendChild(el("td", a));
      row.appendChild(el("td", result.balances[a], "balance"));
      row.appendChild(el("td", result.totals[a], "total"));
      table.appendChild(row);
    }
    details.appendChild(table);
    const time = result.snapshotTime ? `, taken ${result.snapshotTime}` : "";
    details.appendChild(el("p", `Snapshot ${result.snapshotId}${time}; format version ${result.version}`, "snapshot"));
    details.appendChild(el("p", `Root: ${result.root}`, "root"));
    if (!valid) {
      details.appendChild(
        el(
          "p",
          "The proof only agrees with itself, which whoever made it can always arrange. Enter the root or the document the operator published, from a channel you trust, to check that your balances are counted.",
          "warning"
        )
      );
      return;
    }
    details.appendChild(
      el("p", `The proof leads to the published ${result.checkedAgainst.join(" and ")} you entered.`, "note")
    );
    if (result.uncheckedAttestations.length > 0)
      details.appendChild(
        el("p", `Not checked by this page: ${result.uncheckedAttestations.join(", ")}.`, "attestations")
      );
  }
  async function run() {
    const userId = byId("user").value;
    show(verifyProof(await proofInput(), { userId, ...trust() }));
  }
  byId("verify").addEventListener("click", () => void run());
})();
