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

  // node_modules/@noble/hashes/esm/crypto.js
  var crypto = typeof globalThis === "object" && "crypto" in globalThis ? globalThis.crypto : void 0;

  // node_modules/@noble/hashes/esm/utils.js
  /*! noble-hashes - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  function isBytes(a) {
    return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array";
  }
  function anumber(n) {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error("positive integer expected, got " + n);
  }
  function abytes(b, ...lengths) {
    if (!isBytes(b))
      throw new Error("Uint8Array expected");
    if (lengths.length > 0 && !lengths.includes(b.length))
      throw new Error("Uint8Array expected of length " + lengths + ", got length=" + b.length);
  }
  function ahash(h) {
    if (typeof h !== "function" || typeof h.create !== "function")
      throw new Error("Hash should be wrapped by utils.createHasher");
    anumber(h.outputLen);
    anumber(h.blockLen);
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
  var hasHexBuiltin = /* @__PURE__ */ (() => (
    // @ts-ignore
    typeof Uint8Array.from([]).toHex === "function" && typeof Uint8Array.fromHex === "function"
  ))();
  var hexes = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
  function bytesToHex2(bytes) {
    abytes(bytes);
    if (hasHexBuiltin)
      return bytes.toHex();
    let hex = "";
    for (let i = 0; i < bytes.length; i++) {
      hex += hexes[bytes[i]];
    }
    return hex;
  }
  var asciis = { _0: 48, _9: 57, A: 65, F: 70, a: 97, f: 102 };
  function asciiToBase16(ch) {
    if (ch >= asciis._0 && ch <= asciis._9)
      return ch - asciis._0;
    if (ch >= asciis.A && ch <= asciis.F)
      return ch - (asciis.A - 10);
    if (ch >= asciis.a && ch <= asciis.f)
      return ch - (asciis.a - 10);
    return;
  }
  function hexToBytes2(hex) {
    if (typeof hex !== "string")
      throw new Error("hex string expected, got " + typeof hex);
    if (hasHexBuiltin)
      return Uint8Array.fromHex(hex);
    const hl = hex.length;
    const al = hl / 2;
    if (hl % 2)
      throw new Error("hex string expected, got unpadded hex of length " + hl);
    const array = new Uint8Array(al);
    for (let ai = 0, hi = 0; ai < al; ai++, hi += 2) {
      const n1 = asciiToBase16(hex.charCodeAt(hi));
      const n2 = asciiToBase16(hex.charCodeAt(hi + 1));
      if (n1 === void 0 || n2 === void 0) {
        const char = hex[hi] + hex[hi + 1];
        throw new Error('hex string expected, got non-hex character "' + char + '" at index ' + hi);
      }
      array[ai] = n1 * 16 + n2;
    }
    return array;
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
  function concatBytes(...arrays) {
    let sum = 0;
    for (let i = 0; i < arrays.length; i++) {
      const a = arrays[i];
      abytes(a);
      sum += a.length;
    }
    const res = new Uint8Array(sum);
    for (let i = 0, pad = 0; i < arrays.length; i++) {
      const a = arrays[i];
      res.set(a, pad);
      pad += a.length;
    }
    return res;
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
  function randomBytes(bytesLength = 32) {
    if (crypto && typeof crypto.getRandomValues === "function") {
      return crypto.getRandomValues(new Uint8Array(bytesLength));
    }
    if (crypto && typeof crypto.randomBytes === "function") {
      return Uint8Array.from(crypto.randomBytes(bytesLength));
    }
    throw new Error("crypto.getRandomValues must be defined");
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

  // tools/proof-verifier/src/page-dom.ts
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
  async function textOrFile(textId, fileId) {
    const files = byId(fileId).files;
    if (files && files.length > 0) return new Uint8Array(await files[0].arrayBuffer());
    return byId(textId).value;
  }

  // tools/proof-verifier/src/display.ts
  var UNSAFE = (
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
  );
  function terminalSafe(text) {
    return text.replace(UNSAFE, (c) => {
      if (c === "\\") return "\\\\";
      const code = c.charCodeAt(0);
      return code < 256 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
    });
  }

  // node_modules/@noble/hashes/esm/hmac.js
  var HMAC = class extends Hash {
    constructor(hash, _key) {
      super();
      this.finished = false;
      this.destroyed = false;
      ahash(hash);
      const key = toBytes(_key);
      this.iHash = hash.create();
      if (typeof this.iHash.update !== "function")
        throw new Error("Expected instance of class which extends utils.Hash");
      this.blockLen = this.iHash.blockLen;
      this.outputLen = this.iHash.outputLen;
      const blockLen = this.blockLen;
      const pad = new Uint8Array(blockLen);
      pad.set(key.length > blockLen ? hash.create().update(key).digest() : key);
      for (let i = 0; i < pad.length; i++)
        pad[i] ^= 54;
      this.iHash.update(pad);
      this.oHash = hash.create();
      for (let i = 0; i < pad.length; i++)
        pad[i] ^= 54 ^ 92;
      this.oHash.update(pad);
      clean(pad);
    }
    update(buf) {
      aexists(this);
      this.iHash.update(buf);
      return this;
    }
    digestInto(out) {
      aexists(this);
      abytes(out, this.outputLen);
      this.finished = true;
      this.iHash.digestInto(out);
      this.oHash.update(out);
      this.oHash.digestInto(out);
      this.destroy();
    }
    digest() {
      const out = new Uint8Array(this.oHash.outputLen);
      this.digestInto(out);
      return out;
    }
    _cloneInto(to) {
      to || (to = Object.create(Object.getPrototypeOf(this), {}));
      const { oHash, iHash, finished, destroyed, blockLen, outputLen } = this;
      to = to;
      to.finished = finished;
      to.destroyed = destroyed;
      to.blockLen = blockLen;
      to.outputLen = outputLen;
      to.oHash = oHash._cloneInto(to.oHash);
      to.iHash = iHash._cloneInto(to.iHash);
      return to;
    }
    clone() {
      return this._cloneInto();
    }
    destroy() {
      this.destroyed = true;
      this.oHash.destroy();
      this.iHash.destroy();
    }
  };
  var hmac = (hash, key, message) => new HMAC(hash, key).update(message).digest();
  hmac.create = (hash, key) => new HMAC(hash, key);

  // node_modules/@noble/curves/esm/utils.js
  /*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  var _0n = /* @__PURE__ */ BigInt(0);
  var _1n = /* @__PURE__ */ BigInt(1);
  function _abool2(value, title = "") {
    if (typeof value !== "boolean") {
      const prefix = title && `"${title}"`;
      throw new Error(prefix + "expected boolean, got type=" + typeof value);
    }
    return value;
  }
  function _abytes2(value, length, title = "") {
    const bytes = isBytes(value);
    const len = value?.length;
    const needsLen = length !== void 0;
    if (!bytes || needsLen && len !== length) {
      const prefix = title && `"${title}" `;
      const ofLen = needsLen ? ` of length ${length}` : "";
      const got = bytes ? `length=${len}` : `type=${typeof value}`;
      throw new Error(prefix + "expected Uint8Array" + ofLen + ", got " + got);
    }
    return value;
  }
  function numberToHexUnpadded(num) {
    const hex = num.toString(16);
    return hex.length & 1 ? "0" + hex : hex;
  }
  function hexToNumber(hex) {
    if (typeof hex !== "string")
      throw new Error("hex string expected, got " + typeof hex);
    return hex === "" ? _0n : BigInt("0x" + hex);
  }
  function bytesToNumberBE(bytes) {
    return hexToNumber(bytesToHex2(bytes));
  }
  function bytesToNumberLE(bytes) {
    abytes(bytes);
    return hexToNumber(bytesToHex2(Uint8Array.from(bytes).reverse()));
  }
  function numberToBytesBE(n, len) {
    return hexToBytes2(n.toString(16).padStart(len * 2, "0"));
  }
  function numberToBytesLE(n, len) {
    return numberToBytesBE(n, len).reverse();
  }
  function ensureBytes(title, hex, expectedLength) {
    let res;
    if (typeof hex === "string") {
      try {
        res = hexToBytes2(hex);
      } catch (e) {
        throw new Error(title + " must be hex string or Uint8Array, cause: " + e);
      }
    } else if (isBytes(hex)) {
      res = Uint8Array.from(hex);
    } else {
      throw new Error(title + " must be hex string or Uint8Array");
    }
    const len = res.length;
    if (typeof expectedLength === "number" && len !== expectedLength)
      throw new Error(title + " of length " + expectedLength + " expected, got " + len);
    return res;
  }
  var isPosBig = (n) => typeof n === "bigint" && _0n <= n;
  function inRange(n, min, max) {
    return isPosBig(n) && isPosBig(min) && isPosBig(max) && min <= n && n < max;
  }
  function aInRange(title, n, min, max) {
    if (!inRange(n, min, max))
      throw new Error("expected valid " + title + ": " + min + " <= n < " + max + ", got " + n);
  }
  function bitLen(n) {
    let len;
    for (len = 0; n > _0n; n >>= _1n, len += 1)
      ;
    return len;
  }
  var bitMask = (n) => (_1n << BigInt(n)) - _1n;
  function createHmacDrbg(hashLen, qByteLen, hmacFn) {
    if (typeof hashLen !== "number" || hashLen < 2)
      throw new Error("hashLen must be a number");
    if (typeof qByteLen !== "number" || qByteLen < 2)
      throw new Error("qByteLen must be a number");
    if (typeof hmacFn !== "function")
      throw new Error("hmacFn must be a function");
    const u8n = (len) => new Uint8Array(len);
    const u8of = (byte) => Uint8Array.of(byte);
    let v = u8n(hashLen);
    let k = u8n(hashLen);
    let i = 0;
    const reset = () => {
      v.fill(1);
      k.fill(0);
      i = 0;
    };
    const h = (...b) => hmacFn(k, v, ...b);
    const reseed = (seed = u8n(0)) => {
      k = h(u8of(0), seed);
      v = h();
      if (seed.length === 0)
        return;
      k = h(u8of(1), seed);
      v = h();
    };
    const gen = () => {
      if (i++ >= 1e3)
        throw new Error("drbg: tried 1000 values");
      let len = 0;
      const out = [];
      while (len < qByteLen) {
        v = h();
        const sl = v.slice();
        out.push(sl);
        len += v.length;
      }
      return concatBytes(...out);
    };
    const genUntil = (seed, pred) => {
      reset();
      reseed(seed);
      let res = void 0;
      while (!(res = pred(gen())))
        reseed();
      reset();
      return res;
    };
    return genUntil;
  }
  function _validateObject(object, fields, optFields = {}) {
    if (!object || typeof object !== "object")
      throw new Error("expected valid options object");
    function checkField(fieldName, expectedType, isOpt) {
      const val = object[fieldName];
      if (isOpt && val === void 0)
        return;
      const current = typeof val;
      if (current !== expectedType || val === null)
        throw new Error(`param "${fieldName}" is invalid: expected ${expectedType}, got ${current}`);
    }
    Object.entries(fields).forEach(([k, v]) => checkField(k, v, false));
    Object.entries(optFields).forEach(([k, v]) => checkField(k, v, true));
  }
  function memoized(fn) {
    const map = /* @__PURE__ */ new WeakMap();
    return (arg, ...args) => {
      const val = map.get(arg);
      if (val !== void 0)
        return val;
      const computed = fn(arg, ...args);
      map.set(arg, computed);
      return computed;
    };
  }

  // node_modules/@noble/curves/esm/abstract/modular.js
  /*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  var _0n2 = BigInt(0);
  var _1n2 = BigInt(1);
  var _2n = /* @__PURE__ */ BigInt(2);
  var _3n = /* @__PURE__ */ BigInt(3);
  var _4n = /* @__PURE__ */ BigInt(4);
  var _5n = /* @__PURE__ */ BigInt(5);
  var _7n = /* @__PURE__ */ BigInt(7);
  var _8n = /* @__PURE__ */ BigInt(8);
  var _9n = /* @__PURE__ */ BigInt(9);
  var _16n = /* @__PURE__ */ BigInt(16);
  function mod(a, b) {
    const result = a % b;
    return result >= _0n2 ? result : b + result;
  }
  function pow2(x, power, modulo) {
    let res = x;
    while (power-- > _0n2) {
      res *= res;
      res %= modulo;
    }
    return res;
  }
  function invert(number, modulo) {
    if (number === _0n2)
      throw new Error("invert: expected non-zero number");
    if (modulo <= _0n2)
      throw new Error("invert: expected positive modulus, got " + modulo);
    let a = mod(number, modulo);
    let b = modulo;
    let x = _0n2, y = _1n2, u = _1n2, v = _0n2;
    while (a !== _0n2) {
      const q = b / a;
      const r = b % a;
      const m = x - u * q;
      const n = y - v * q;
      b = a, a = r, x = u, y = v, u = m, v = n;
    }
    const gcd = b;
    if (gcd !== _1n2)
      throw new Error("invert: does not exist");
    return mod(x, modulo);
  }
  function assertIsSquare(Fp, root, n) {
    if (!Fp.eql(Fp.sqr(root), n))
      throw new Error("Cannot find square root");
  }
  function sqrt3mod4(Fp, n) {
    const p1div4 = (Fp.ORDER + _1n2) / _4n;
    const root = Fp.pow(n, p1div4);
    assertIsSquare(Fp, root, n);
    return root;
  }
  function sqrt5mod8(Fp, n) {
    const p5div8 = (Fp.ORDER - _5n) / _8n;
    const n2 = Fp.mul(n, _2n);
    const v = Fp.pow(n2, p5div8);
    const nv = Fp.mul(n, v);
    const i = Fp.mul(Fp.mul(nv, _2n), v);
    const root = Fp.mul(nv, Fp.sub(i, Fp.ONE));
    assertIsSquare(Fp, root, n);
    return root;
  }
  function sqrt9mod16(P) {
    const Fp_ = Field(P);
    const tn = tonelliShanks(P);
    const c1 = tn(Fp_, Fp_.neg(Fp_.ONE));
    const c2 = tn(Fp_, c1);
    const c3 = tn(Fp_, Fp_.neg(c1));
    const c4 = (P + _7n) / _16n;
    return (Fp, n) => {
      let tv1 = Fp.pow(n, c4);
      let tv2 = Fp.mul(tv1, c1);
      const tv3 = Fp.mul(tv1, c2);
      const tv4 = Fp.mul(tv1, c3);
      const e1 = Fp.eql(Fp.sqr(tv2), n);
      const e2 = Fp.eql(Fp.sqr(tv3), n);
      tv1 = Fp.cmov(tv1, tv2, e1);
      tv2 = Fp.cmov(tv4, tv3, e2);
      const e3 = Fp.eql(Fp.sqr(tv2), n);
      const root = Fp.cmov(tv1, tv2, e3);
      assertIsSquare(Fp, root, n);
      return root;
    };
  }
  function tonelliShanks(P) {
    if (P < _3n)
      throw new Error("sqrt is not defined for small field");
    let Q = P - _1n2;
    let S = 0;
    while (Q % _2n === _0n2) {
      Q /= _2n;
      S++;
    }
    let Z = _2n;
    const _Fp = Field(P);
    while (FpLegendre(_Fp, Z) === 1) {
      if (Z++ > 1e3)
        throw new Error("Cannot find square root: probably non-prime P");
    }
    if (S === 1)
      return sqrt3mod4;
    let cc = _Fp.pow(Z, Q);
    const Q1div2 = (Q + _1n2) / _2n;
    return function tonelliSlow(Fp, n) {
      if (Fp.is0(n))
        return n;
      if (FpLegendre(Fp, n) !== 1)
        throw new Error("Cannot find square root");
      let M = S;
      let c = Fp.mul(Fp.ONE, cc);
      let t = Fp.pow(n, Q);
      let R = Fp.pow(n, Q1div2);
      while (!Fp.eql(t, Fp.ONE)) {
        if (Fp.is0(t))
          return Fp.ZERO;
        let i = 1;
        let t_tmp = Fp.sqr(t);
        while (!Fp.eql(t_tmp, Fp.ONE)) {
          i++;
          t_tmp = Fp.sqr(t_tmp);
          if (i === M)
            throw new Error("Cannot find square root");
        }
        const exponent = _1n2 << BigInt(M - i - 1);
        const b = Fp.pow(c, exponent);
        M = i;
        c = Fp.sqr(b);
        t = Fp.mul(t, c);
        R = Fp.mul(R, b);
      }
      return R;
    };
  }
  function FpSqrt(P) {
    if (P % _4n === _3n)
      return sqrt3mod4;
    if (P % _8n === _5n)
      return sqrt5mod8;
    if (P % _16n === _9n)
      return sqrt9mod16(P);
    return tonelliShanks(P);
  }
  var FIELD_FIELDS = [
    "create",
    "isValid",
    "is0",
    "neg",
    "inv",
    "sqrt",
    "sqr",
    "eql",
    "add",
    "sub",
    "mul",
    "pow",
    "div",
    "addN",
    "subN",
    "mulN",
    "sqrN"
  ];
  function validateField(field2) {
    const initial = {
      ORDER: "bigint",
      MASK: "bigint",
      BYTES: "number",
      BITS: "number"
    };
    const opts = FIELD_FIELDS.reduce((map, val) => {
      map[val] = "function";
      return map;
    }, initial);
    _validateObject(field2, opts);
    return field2;
  }
  function FpPow(Fp, num, power) {
    if (power < _0n2)
      throw new Error("invalid exponent, negatives unsupported");
    if (power === _0n2)
      return Fp.ONE;
    if (power === _1n2)
      return num;
    let p = Fp.ONE;
    let d = num;
    while (power > _0n2) {
      if (power & _1n2)
        p = Fp.mul(p, d);
      d = Fp.sqr(d);
      power >>= _1n2;
    }
    return p;
  }
  function FpInvertBatch(Fp, nums, passZero = false) {
    const inverted = new Array(nums.length).fill(passZero ? Fp.ZERO : void 0);
    const multipliedAcc = nums.reduce((acc, num, i) => {
      if (Fp.is0(num))
        return acc;
      inverted[i] = acc;
      return Fp.mul(acc, num);
    }, Fp.ONE);
    const invertedAcc = Fp.inv(multipliedAcc);
    nums.reduceRight((acc, num, i) => {
      if (Fp.is0(num))
        return acc;
      inverted[i] = Fp.mul(acc, inverted[i]);
      return Fp.mul(acc, num);
    }, invertedAcc);
    return inverted;
  }
  function FpLegendre(Fp, n) {
    const p1mod2 = (Fp.ORDER - _1n2) / _2n;
    const powered = Fp.pow(n, p1mod2);
    const yes = Fp.eql(powered, Fp.ONE);
    const zero = Fp.eql(powered, Fp.ZERO);
    const no = Fp.eql(powered, Fp.neg(Fp.ONE));
    if (!yes && !zero && !no)
      throw new Error("invalid Legendre symbol result");
    return yes ? 1 : zero ? 0 : -1;
  }
  function nLength(n, nBitLength) {
    if (nBitLength !== void 0)
      anumber(nBitLength);
    const _nBitLength = nBitLength !== void 0 ? nBitLength : n.toString(2).length;
    const nByteLength = Math.ceil(_nBitLength / 8);
    return { nBitLength: _nBitLength, nByteLength };
  }
  function Field(ORDER, bitLenOrOpts, isLE = false, opts = {}) {
    if (ORDER <= _0n2)
      throw new Error("invalid field: expected ORDER > 0, got " + ORDER);
    let _nbitLength = void 0;
    let _sqrt = void 0;
    let modFromBytes = false;
    let allowedLengths = void 0;
    if (typeof bitLenOrOpts === "object" && bitLenOrOpts != null) {
      if (opts.sqrt || isLE)
        throw new Error("cannot specify opts in two arguments");
      const _opts = bitLenOrOpts;
      if (_opts.BITS)
        _nbitLength = _opts.BITS;
      if (_opts.sqrt)
        _sqrt = _opts.sqrt;
      if (typeof _opts.isLE === "boolean")
        isLE = _opts.isLE;
      if (typeof _opts.modFromBytes === "boolean")
        modFromBytes = _opts.modFromBytes;
      allowedLengths = _opts.allowedLengths;
    } else {
      if (typeof bitLenOrOpts === "number")
        _nbitLength = bitLenOrOpts;
      if (opts.sqrt)
        _sqrt = opts.sqrt;
    }
    const { nBitLength: BITS, nByteLength: BYTES } = nLength(ORDER, _nbitLength);
    if (BYTES > 2048)
      throw new Error("invalid field: expected ORDER of <= 2048 bytes");
    let sqrtP;
    const f = Object.freeze({
      ORDER,
      isLE,
      BITS,
      BYTES,
      MASK: bitMask(BITS),
      ZERO: _0n2,
      ONE: _1n2,
      allowedLengths,
      create: (num) => mod(num, ORDER),
      isValid: (num) => {
        if (typeof num !== "bigint")
          throw new Error("invalid field element: expected bigint, got " + typeof num);
        return _0n2 <= num && num < ORDER;
      },
      is0: (num) => num === _0n2,
      // is valid and invertible
      isValidNot0: (num) => !f.is0(num) && f.isValid(num),
      isOdd: (num) => (num & _1n2) === _1n2,
      neg: (num) => mod(-num, ORDER),
      eql: (lhs, rhs) => lhs === rhs,
      sqr: (num) => mod(num * num, ORDER),
      add: (lhs, rhs) => mod(lhs + rhs, ORDER),
      sub: (lhs, rhs) => mod(lhs - rhs, ORDER),
      mul: (lhs, rhs) => mod(lhs * rhs, ORDER),
      pow: (num, power) => FpPow(f, num, power),
      div: (lhs, rhs) => mod(lhs * invert(rhs, ORDER), ORDER),
      // Same as above, but doesn't normalize
      sqrN: (num) => num * num,
      addN: (lhs, rhs) => lhs + rhs,
      subN: (lhs, rhs) => lhs - rhs,
      mulN: (lhs, rhs) => lhs * rhs,
      inv: (num) => invert(num, ORDER),
      sqrt: _sqrt || ((n) => {
        if (!sqrtP)
          sqrtP = FpSqrt(ORDER);
        return sqrtP(f, n);
      }),
      toBytes: (num) => isLE ? numberToBytesLE(num, BYTES) : numberToBytesBE(num, BYTES),
      fromBytes: (bytes, skipValidation = true) => {
        if (allowedLengths) {
          if (!allowedLengths.includes(bytes.length) || bytes.length > BYTES) {
            throw new Error("Field.fromBytes: expected " + allowedLengths + " bytes, got " + bytes.length);
          }
          const padded = new Uint8Array(BYTES);
          padded.set(bytes, isLE ? 0 : padded.length - bytes.length);
          bytes = padded;
        }
        if (bytes.length !== BYTES)
          throw new Error("Field.fromBytes: expected " + BYTES + " bytes, got " + bytes.length);
        let scalar = isLE ? bytesToNumberLE(bytes) : bytesToNumberBE(bytes);
        if (modFromBytes)
          scalar = mod(scalar, ORDER);
        if (!skipValidation) {
          if (!f.isValid(scalar))
            throw new Error("invalid field element: outside of range 0..ORDER");
        }
        return scalar;
      },
      // TODO: we don't need it here, move out to separate fn
      invertBatch: (lst) => FpInvertBatch(f, lst),
      // We can't move this out because Fp6, Fp12 implement it
      // and it's unclear what to return in there.
      cmov: (a, b, c) => c ? b : a
    });
    return Object.freeze(f);
  }
  function getFieldBytesLength(fieldOrder) {
    if (typeof fieldOrder !== "bigint")
      throw new Error("field order must be bigint");
    const bitLength = fieldOrder.toString(2).length;
    return Math.ceil(bitLength / 8);
  }
  function getMinHashLength(fieldOrder) {
    const length = getFieldBytesLength(fieldOrder);
    return length + Math.ceil(length / 2);
  }
  function mapHashToField(key, fieldOrder, isLE = false) {
    const len = key.length;
    const fieldLen = getFieldBytesLength(fieldOrder);
    const minLen = getMinHashLength(fieldOrder);
    if (len < 16 || len < minLen || len > 1024)
      throw new Error("expected " + minLen + "-1024 bytes of input, got " + len);
    const num = isLE ? bytesToNumberLE(key) : bytesToNumberBE(key);
    const reduced = mod(num, fieldOrder - _1n2) + _1n2;
    return isLE ? numberToBytesLE(reduced, fieldLen) : numberToBytesBE(reduced, fieldLen);
  }

  // node_modules/@noble/curves/esm/abstract/curve.js
  /*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  var _0n3 = BigInt(0);
  var _1n3 = BigInt(1);
  function negateCt(condition, item) {
    const neg = item.negate();
    return condition ? neg : item;
  }
  function normalizeZ(c, points) {
    const invertedZs = FpInvertBatch(c.Fp, points.map((p) => p.Z));
    return points.map((p, i) => c.fromAffine(p.toAffine(invertedZs[i])));
  }
  function validateW(W, bits) {
    if (!Number.isSafeInteger(W) || W <= 0 || W > bits)
      throw new Error("invalid window size, expected [1.." + bits + "], got W=" + W);
  }
  function calcWOpts(W, scalarBits) {
    validateW(W, scalarBits);
    const windows = Math.ceil(scalarBits / W) + 1;
    const windowSize = 2 ** (W - 1);
    const maxNumber = 2 ** W;
    const mask = bitMask(W);
    const shiftBy = BigInt(W);
    return { windows, windowSize, mask, maxNumber, shiftBy };
  }
  function calcOffsets(n, window, wOpts) {
    const { windowSize, mask, maxNumber, shiftBy } = wOpts;
    let wbits = Number(n & mask);
    let nextN = n >> shiftBy;
    if (wbits > windowSize) {
      wbits -= maxNumber;
      nextN += _1n3;
    }
    const offsetStart = window * windowSize;
    const offset = offsetStart + Math.abs(wbits) - 1;
    const isZero = wbits === 0;
    const isNeg = wbits < 0;
    const isNegF = window % 2 !== 0;
    const offsetF = offsetStart;
    return { nextN, offset, isZero, isNeg, isNegF, offsetF };
  }
  function validateMSMPoints(points, c) {
    if (!Array.isArray(points))
      throw new Error("array expected");
    points.forEach((p, i) => {
      if (!(p instanceof c))
        throw new Error("invalid point at index " + i);
    });
  }
  function validateMSMScalars(scalars, field2) {
    if (!Array.isArray(scalars))
      throw new Error("array of scalars expected");
    scalars.forEach((s, i) => {
      if (!field2.isValid(s))
        throw new Error("invalid scalar at index " + i);
    });
  }
  var pointPrecomputes = /* @__PURE__ */ new WeakMap();
  var pointWindowSizes = /* @__PURE__ */ new WeakMap();
  function getW(P) {
    return pointWindowSizes.get(P) || 1;
  }
  function assert0(n) {
    if (n !== _0n3)
      throw new Error("invalid wNAF");
  }
  var wNAF = class {
    // Parametrized with a given Point class (not individual point)
    constructor(Point, bits) {
      this.BASE = Point.BASE;
      this.ZERO = Point.ZERO;
      this.Fn = Point.Fn;
      this.bits = bits;
    }
    // non-const time multiplication ladder
    _unsafeLadder(elm, n, p = this.ZERO) {
      let d = elm;
      while (n > _0n3) {
        if (n & _1n3)
          p = p.add(d);
        d = d.double();
        n >>= _1n3;
      }
      return p;
    }
    /**
     * Creates a wNAF precomputation window. Used for caching.
     * Default window size is set by `utils.precompute()` and is equal to 8.
     * Number of precomputed points depends on the curve size:
     * 2^(𝑊−1) * (Math.ceil(𝑛 / 𝑊) + 1), where:
     * - 𝑊 is the window size
     * - 𝑛 is the bitlength of the curve order.
     * For a 256-bit curve and window size 8, the number of precomputed points is 128 * 33 = 4224.
     * @param point Point instance
     * @param W window size
     * @returns precomputed point tables flattened to a single array
     */
    precomputeWindow(point, W) {
      const { windows, windowSize } = calcWOpts(W, this.bits);
      const points = [];
      let p = point;
      let base = p;
      for (let window = 0; window < windows; window++) {
        base = p;
        points.push(base);
        for (let i = 1; i < windowSize; i++) {
          base = base.add(p);
          points.push(base);
        }
        p = base.double();
      }
      return points;
    }
    /**
     * Implements ec multiplication using precomputed tables and w-ary non-adjacent form.
     * More compact implementation:
     * https://github.com/paulmillr/noble-secp256k1/blob/47cb1669b6e506ad66b35fe7d76132ae97465da2/index.ts#L502-L541
     * @returns real and fake (for const-time) points
     */
    wNAF(W, precomputes, n) {
      if (!this.Fn.isValid(n))
        throw new Error("invalid scalar");
      let p = this.ZERO;
      let f = this.BASE;
      const wo = calcWOpts(W, this.bits);
      for (let window = 0; window < wo.windows; window++) {
        const { nextN, offset, isZero, isNeg, isNegF, offsetF } = calcOffsets(n, window, wo);
        n = nextN;
        if (isZero) {
          f = f.add(negateCt(isNegF, precomputes[offsetF]));
        } else {
          p = p.add(negateCt(isNeg, precomputes[offset]));
        }
      }
      assert0(n);
      return { p, f };
    }
    /**
     * Implements ec unsafe (non const-time) multiplication using precomputed tables and w-ary non-adjacent form.
     * @param acc accumulator point to add result of multiplication
     * @returns point
     */
    wNAFUnsafe(W, precomputes, n, acc = this.ZERO) {
      const wo = calcWOpts(W, this.bits);
      for (let window = 0; window < wo.windows; window++) {
        if (n === _0n3)
          break;
        const { nextN, offset, isZero, isNeg } = calcOffsets(n, window, wo);
        n = nextN;
        if (isZero) {
          continue;
        } else {
          const item = precomputes[offset];
          acc = acc.add(isNeg ? item.negate() : item);
        }
      }
      assert0(n);
      return acc;
    }
    getPrecomputes(W, point, transform) {
      let comp = pointPrecomputes.get(point);
      if (!comp) {
        comp = this.precomputeWindow(point, W);
        if (W !== 1) {
          if (typeof transform === "function")
            comp = transform(comp);
          pointPrecomputes.set(point, comp);
        }
      }
      return comp;
    }
    cached(point, scalar, transform) {
      const W = getW(point);
      return this.wNAF(W, this.getPrecomputes(W, point, transform), scalar);
    }
    unsafe(point, scalar, transform, prev) {
      const W = getW(point);
      if (W === 1)
        return this._unsafeLadder(point, scalar, prev);
      return this.wNAFUnsafe(W, this.getPrecomputes(W, point, transform), scalar, prev);
    }
    // We calculate precomputes for elliptic curve point multiplication
    // using windowed method. This specifies window size and
    // stores precomputed values. Usually only base point would be precomputed.
    createCache(P, W) {
      validateW(W, this.bits);
      pointWindowSizes.set(P, W);
      pointPrecomputes.delete(P);
    }
    hasCache(elm) {
      return getW(elm) !== 1;
    }
  };
  function mulEndoUnsafe(Point, point, k1, k2) {
    let acc = point;
    let p1 = Point.ZERO;
    let p2 = Point.ZERO;
    while (k1 > _0n3 || k2 > _0n3) {
      if (k1 & _1n3)
        p1 = p1.add(acc);
      if (k2 & _1n3)
        p2 = p2.add(acc);
      acc = acc.double();
      k1 >>= _1n3;
      k2 >>= _1n3;
    }
    return { p1, p2 };
  }
  function pippenger(c, fieldN, points, scalars) {
    validateMSMPoints(points, c);
    validateMSMScalars(scalars, fieldN);
    const plength = points.length;
    const slength = scalars.length;
    if (plength !== slength)
      throw new Error("arrays of points and scalars must have equal length");
    const zero = c.ZERO;
    const wbits = bitLen(BigInt(plength));
    let windowSize = 1;
    if (wbits > 12)
      windowSize = wbits - 3;
    else if (wbits > 4)
      windowSize = wbits - 2;
    else if (wbits > 0)
      windowSize = 2;
    const MASK = bitMask(windowSize);
    const buckets = new Array(Number(MASK) + 1).fill(zero);
    const lastBits = Math.floor((fieldN.BITS - 1) / windowSize) * windowSize;
    let sum = zero;
    for (let i = lastBits; i >= 0; i -= windowSize) {
      buckets.fill(zero);
      for (let j = 0; j < slength; j++) {
        const scalar = scalars[j];
        const wbits2 = Number(scalar >> BigInt(i) & MASK);
        buckets[wbits2] = buckets[wbits2].add(points[j]);
      }
      let resI = zero;
      for (let j = buckets.length - 1, sumI = zero; j > 0; j--) {
        sumI = sumI.add(buckets[j]);
        resI = resI.add(sumI);
      }
      sum = sum.add(resI);
      if (i !== 0)
        for (let j = 0; j < windowSize; j++)
          sum = sum.double();
    }
    return sum;
  }
  function createField(order, field2, isLE) {
    if (field2) {
      if (field2.ORDER !== order)
        throw new Error("Field.ORDER must match order: Fp == p, Fn == n");
      validateField(field2);
      return field2;
    } else {
      return Field(order, { isLE });
    }
  }
  function _createCurveFields(type, CURVE, curveOpts = {}, FpFnLE) {
    if (FpFnLE === void 0)
      FpFnLE = type === "edwards";
    if (!CURVE || typeof CURVE !== "object")
      throw new Error(`expected valid ${type} CURVE object`);
    for (const p of ["p", "n", "h"]) {
      const val = CURVE[p];
      if (!(typeof val === "bigint" && val > _0n3))
        throw new Error(`CURVE.${p} must be positive bigint`);
    }
    const Fp = createField(CURVE.p, curveOpts.Fp, FpFnLE);
    const Fn = createField(CURVE.n, curveOpts.Fn, FpFnLE);
    const _b = type === "weierstrass" ? "b" : "d";
    const params = ["Gx", "Gy", "a", _b];
    for (const p of params) {
      if (!Fp.isValid(CURVE[p]))
        throw new Error(`CURVE.${p} must be valid field element of CURVE.Fp`);
    }
    CURVE = Object.freeze(Object.assign({}, CURVE));
    return { CURVE, Fp, Fn };
  }

  // node_modules/@noble/curves/esm/abstract/weierstrass.js
  /*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  var divNearest = (num, den) => (num + (num >= 0 ? den : -den) / _2n2) / den;
  function _splitEndoScalar(k, basis, n) {
    const [[a1, b1], [a2, b2]] = basis;
    const c1 = divNearest(b2 * k, n);
    const c2 = divNearest(-b1 * k, n);
    let k1 = k - c1 * a1 - c2 * a2;
    let k2 = -c1 * b1 - c2 * b2;
    const k1neg = k1 < _0n4;
    const k2neg = k2 < _0n4;
    if (k1neg)
      k1 = -k1;
    if (k2neg)
      k2 = -k2;
    const MAX_NUM = bitMask(Math.ceil(bitLen(n) / 2)) + _1n4;
    if (k1 < _0n4 || k1 >= MAX_NUM || k2 < _0n4 || k2 >= MAX_NUM) {
      throw new Error("splitScalar (endomorphism): failed, k=" + k);
    }
    return { k1neg, k1, k2neg, k2 };
  }
  function validateSigFormat(format) {
    if (!["compact", "recovered", "der"].includes(format))
      throw new Error('Signature format must be "compact", "recovered", or "der"');
    return format;
  }
  function validateSigOpts(opts, def) {
    const optsn = {};
    for (let optName of Object.keys(def)) {
      optsn[optName] = opts[optName] === void 0 ? def[optName] : opts[optName];
    }
    _abool2(optsn.lowS, "lowS");
    _abool2(optsn.prehash, "prehash");
    if (optsn.format !== void 0)
      validateSigFormat(optsn.format);
    return optsn;
  }
  var DERErr = class extends Error {
    constructor(m = "") {
      super(m);
    }
  };
  var DER = {
    // asn.1 DER encoding utils
    Err: DERErr,
    // Basic building block is TLV (Tag-Length-Value)
    _tlv: {
      encode: (tag, data) => {
        const { Err: E } = DER;
        if (tag < 0 || tag > 256)
          throw new E("tlv.encode: wrong tag");
        if (data.length & 1)
          throw new E("tlv.encode: unpadded data");
        const dataLen = data.length / 2;
        const len = numberToHexUnpadded(dataLen);
        if (len.length / 2 & 128)
          throw new E("tlv.encode: long form length too big");
        const lenLen = dataLen > 127 ? numberToHexUnpadded(len.length / 2 | 128) : "";
        const t = numberToHexUnpadded(tag);
        return t + lenLen + len + data;
      },
      // v - value, l - left bytes (unparsed)
      decode(tag, data) {
        const { Err: E } = DER;
        let pos = 0;
        if (tag < 0 || tag > 256)
          throw new E("tlv.encode: wrong tag");
        if (data.length < 2 || data[pos++] !== tag)
          throw new E("tlv.decode: wrong tlv");
        const first = data[pos++];
        const isLong = !!(first & 128);
        let length = 0;
        if (!isLong)
          length = first;
        else {
          const lenLen = first & 127;
          if (!lenLen)
            throw new E("tlv.decode(long): indefinite length not supported");
          if (lenLen > 4)
            throw new E("tlv.decode(long): byte length is too big");
          const lengthBytes = data.subarray(pos, pos + lenLen);
          if (lengthBytes.length !== lenLen)
            throw new E("tlv.decode: length bytes not complete");
          if (lengthBytes[0] === 0)
            throw new E("tlv.decode(long): zero leftmost byte");
          for (const b of lengthBytes)
            length = length << 8 | b;
          pos += lenLen;
          if (length < 128)
            throw new E("tlv.decode(long): not minimal encoding");
        }
        const v = data.subarray(pos, pos + length);
        if (v.length !== length)
          throw new E("tlv.decode: wrong value length");
        return { v, l: data.subarray(pos + length) };
      }
    },
    // https://crypto.stackexchange.com/a/57734 Leftmost bit of first byte is 'negative' flag,
    // since we always use positive integers here. It must always be empty:
    // - add zero byte if exists
    // - if next byte doesn't have a flag, leading zero is not allowed (minimal encoding)
    _int: {
      encode(num) {
        const { Err: E } = DER;
        if (num < _0n4)
          throw new E("integer: negative integers are not allowed");
        let hex = numberToHexUnpadded(num);
        if (Number.parseInt(hex[0], 16) & 8)
          hex = "00" + hex;
        if (hex.length & 1)
          throw new E("unexpected DER parsing assertion: unpadded hex");
        return hex;
      },
      decode(data) {
        const { Err: E } = DER;
        if (data[0] & 128)
          throw new E("invalid signature integer: negative");
        if (data[0] === 0 && !(data[1] & 128))
          throw new E("invalid signature integer: unnecessary leading zero");
        return bytesToNumberBE(data);
      }
    },
    toSig(hex) {
      const { Err: E, _int: int, _tlv: tlv } = DER;
      const data = ensureBytes("signature", hex);
      const { v: seqBytes, l: seqLeftBytes } = tlv.decode(48, data);
      if (seqLeftBytes.length)
        throw new E("invalid signature: left bytes after parsing");
      const { v: rBytes, l: rLeftBytes } = tlv.decode(2, seqBytes);
      const { v: sBytes, l: sLeftBytes } = tlv.decode(2, rLeftBytes);
      if (sLeftBytes.length)
        throw new E("invalid signature: left bytes after parsing");
      return { r: int.decode(rBytes), s: int.decode(sBytes) };
    },
    hexFromSig(sig) {
      const { _tlv: tlv, _int: int } = DER;
      const rs = tlv.encode(2, int.encode(sig.r));
      const ss = tlv.encode(2, int.encode(sig.s));
      const seq = rs + ss;
      return tlv.encode(48, seq);
    }
  };
  var _0n4 = BigInt(0);
  var _1n4 = BigInt(1);
  var _2n2 = BigInt(2);
  var _3n2 = BigInt(3);
  var _4n2 = BigInt(4);
  function _normFnElement(Fn, key) {
    const { BYTES: expected } = Fn;
    let num;
    if (typeof key === "bigint") {
      num = key;
    } else {
      let bytes = ensureBytes("private key", key);
      try {
        num = Fn.fromBytes(bytes);
      } catch (error) {
        throw new Error(`invalid private key: expected ui8a of size ${expected}, got ${typeof key}`);
      }
    }
    if (!Fn.isValidNot0(num))
      throw new Error("invalid private key: out of range [1..N-1]");
    return num;
  }
  function weierstrassN(params, extraOpts = {}) {
    const validated = _createCurveFields("weierstrass", params, extraOpts);
    const { Fp, Fn } = validated;
    let CURVE = validated.CURVE;
    const { h: cofactor, n: CURVE_ORDER } = CURVE;
    _validateObject(extraOpts, {}, {
      allowInfinityPoint: "boolean",
      clearCofactor: "function",
      isTorsionFree: "function",
      fromBytes: "function",
      toBytes: "function",
      endo: "object",
      wrapPrivateKey: "boolean"
    });
    const { endo } = extraOpts;
    if (endo) {
      if (!Fp.is0(CURVE.a) || typeof endo.beta !== "bigint" || !Array.isArray(endo.basises)) {
        throw new Error('invalid endo: expected "beta": bigint and "basises": array');
      }
    }
    const lengths = getWLengths(Fp, Fn);
    function assertCompressionIsSupported() {
      if (!Fp.isOdd)
        throw new Error("compression is not supported: Field does not have .isOdd()");
    }
    function pointToBytes(_c, point, isCompressed) {
      const { x, y } = point.toAffine();
      const bx = Fp.toBytes(x);
      _abool2(isCompressed, "isCompressed");
      if (isCompressed) {
        assertCompressionIsSupported();
        const hasEvenY = !Fp.isOdd(y);
        return concatBytes(pprefix(hasEvenY), bx);
      } else {
        return concatBytes(Uint8Array.of(4), bx, Fp.toBytes(y));
      }
    }
    function pointFromBytes(bytes) {
      _abytes2(bytes, void 0, "Point");
      const { publicKey: comp, publicKeyUncompressed: uncomp } = lengths;
      const length = bytes.length;
      const head = bytes[0];
      const tail = bytes.subarray(1);
      if (length === comp && (head === 2 || head === 3)) {
        const x = Fp.fromBytes(tail);
        if (!Fp.isValid(x))
          throw new Error("bad point: is not on curve, wrong x");
        const y2 = weierstrassEquation(x);
        let y;
        try {
          y = Fp.sqrt(y2);
        } catch (sqrtError) {
          const err = sqrtError instanceof Error ? ": " + sqrtError.message : "";
          throw new Error("bad point: is not on curve, sqrt error" + err);
        }
        assertCompressionIsSupported();
        const isYOdd = Fp.isOdd(y);
        const isHeadOdd = (head & 1) === 1;
        if (isHeadOdd !== isYOdd)
          y = Fp.neg(y);
        return { x, y };
      } else if (length === uncomp && head === 4) {
        const L = Fp.BYTES;
        const x = Fp.fromBytes(tail.subarray(0, L));
        const y = Fp.fromBytes(tail.subarray(L, L * 2));
        if (!isValidXY(x, y))
          throw new Error("bad point: is not on curve");
        return { x, y };
      } else {
        throw new Error(`bad point: got length ${length}, expected compressed=${comp} or uncompressed=${uncomp}`);
      }
    }
    const encodePoint = extraOpts.toBytes || pointToBytes;
    const decodePoint = extraOpts.fromBytes || pointFromBytes;
    function weierstrassEquation(x) {
      const x2 = Fp.sqr(x);
      const x3 = Fp.mul(x2, x);
      return Fp.add(Fp.add(x3, Fp.mul(x, CURVE.a)), CURVE.b);
    }
    function isValidXY(x, y) {
      const left = Fp.sqr(y);
      const right = weierstrassEquation(x);
      return Fp.eql(left, right);
    }
    if (!isValidXY(CURVE.Gx, CURVE.Gy))
      throw new Error("bad curve params: generator point");
    const _4a3 = Fp.mul(Fp.pow(CURVE.a, _3n2), _4n2);
    const _27b2 = Fp.mul(Fp.sqr(CURVE.b), BigInt(27));
    if (Fp.is0(Fp.add(_4a3, _27b2)))
      throw new Error("bad curve params: a or b");
    function acoord(title, n, banZero = false) {
      if (!Fp.isValid(n) || banZero && Fp.is0(n))
        throw new Error(`bad point coordinate ${title}`);
      return n;
    }
    function aprjpoint(other) {
      if (!(other instanceof Point))
        throw new Error("ProjectivePoint expected");
    }
    function splitEndoScalarN(k) {
      if (!endo || !endo.basises)
        throw new Error("no endo");
      return _splitEndoScalar(k, endo.basises, Fn.ORDER);
    }
    const toAffineMemo = memoized((p, iz) => {
      const { X, Y, Z } = p;
      if (Fp.eql(Z, Fp.ONE))
        return { x: X, y: Y };
      const is0 = p.is0();
      if (iz == null)
        iz = is0 ? Fp.ONE : Fp.inv(Z);
      const x = Fp.mul(X, iz);
      const y = Fp.mul(Y, iz);
      const zz = Fp.mul(Z, iz);
      if (is0)
        return { x: Fp.ZERO, y: Fp.ZERO };
      if (!Fp.eql(zz, Fp.ONE))
        throw new Error("invZ was invalid");
      return { x, y };
    });
    const assertValidMemo = memoized((p) => {
      if (p.is0()) {
        if (extraOpts.allowInfinityPoint && !Fp.is0(p.Y))
          return;
        throw new Error("bad point: ZERO");
      }
      const { x, y } = p.toAffine();
      if (!Fp.isValid(x) || !Fp.isValid(y))
        throw new Error("bad point: x or y not field elements");
      if (!isValidXY(x, y))
        throw new Error("bad point: equation left != right");
      if (!p.isTorsionFree())
        throw new Error("bad point: not in prime-order subgroup");
      return true;
    });
    function finishEndo(endoBeta, k1p, k2p, k1neg, k2neg) {
      k2p = new Point(Fp.mul(k2p.X, endoBeta), k2p.Y, k2p.Z);
      k1p = negateCt(k1neg, k1p);
      k2p = negateCt(k2neg, k2p);
      return k1p.add(k2p);
    }
    class Point {
      /** Does NOT validate if the point is valid. Use `.assertValidity()`. */
      constructor(X, Y, Z) {
        this.X = acoord("x", X);
        this.Y = acoord("y", Y, true);
        this.Z = acoord("z", Z);
        Object.freeze(this);
      }
      static CURVE() {
        return CURVE;
      }
      /** Does NOT validate if the point is valid. Use `.assertValidity()`. */
      static fromAffine(p) {
        const { x, y } = p || {};
        if (!p || !Fp.isValid(x) || !Fp.isValid(y))
          throw new Error("invalid affine point");
        if (p instanceof Point)
          throw new Error("projective point not allowed");
        if (Fp.is0(x) && Fp.is0(y))
          return Point.ZERO;
        return new Point(x, y, Fp.ONE);
      }
      static fromBytes(bytes) {
        const P = Point.fromAffine(decodePoint(_abytes2(bytes, void 0, "point")));
        P.assertValidity();
        return P;
      }
      static fromHex(hex) {
        return Point.fromBytes(ensureBytes("pointHex", hex));
      }
      get x() {
        return this.toAffine().x;
      }
      get y() {
        return this.toAffine().y;
      }
      /**
       *
       * @param windowSize
       * @param isLazy true will defer table computation until the first multiplication
       * @returns
       */
      precompute(windowSize = 8, isLazy = true) {
        wnaf.createCache(this, windowSize);
        if (!isLazy)
          this.multiply(_3n2);
        return this;
      }
      // TODO: return `this`
      /** A point on curve is valid if it conforms to equation. */
      assertValidity() {
        assertValidMemo(this);
      }
      hasEvenY() {
        const { y } = this.toAffine();
        if (!Fp.isOdd)
          throw new Error("Field doesn't support isOdd");
        return !Fp.isOdd(y);
      }
      /** Compare one point to another. */
      equals(other) {
        aprjpoint(other);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        const { X: X2, Y: Y2, Z: Z2 } = other;
        const U1 = Fp.eql(Fp.mul(X1, Z2), Fp.mul(X2, Z1));
        const U2 = Fp.eql(Fp.mul(Y1, Z2), Fp.mul(Y2, Z1));
        return U1 && U2;
      }
      /** Flips point to one corresponding to (x, -y) in Affine coordinates. */
      negate() {
        return new Point(this.X, Fp.neg(this.Y), this.Z);
      }
      // Renes-Costello-Batina exception-free doubling formula.
      // There is 30% faster Jacobian formula, but it is not complete.
      // https://eprint.iacr.org/2015/1060, algorithm 3
      // Cost: 8M + 3S + 3*a + 2*b3 + 15add.
      double() {
        const { a, b } = CURVE;
        const b3 = Fp.mul(b, _3n2);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        let X3 = Fp.ZERO, Y3 = Fp.ZERO, Z3 = Fp.ZERO;
        let t0 = Fp.mul(X1, X1);
        let t1 = Fp.mul(Y1, Y1);
        let t2 = Fp.mul(Z1, Z1);
        let t3 = Fp.mul(X1, Y1);
        t3 = Fp.add(t3, t3);
        Z3 = Fp.mul(X1, Z1);
        Z3 = Fp.add(Z3, Z3);
        X3 = Fp.mul(a, Z3);
        Y3 = Fp.mul(b3, t2);
        Y3 = Fp.add(X3, Y3);
        X3 = Fp.sub(t1, Y3);
        Y3 = Fp.add(t1, Y3);
        Y3 = Fp.mul(X3, Y3);
        X3 = Fp.mul(t3, X3);
        Z3 = Fp.mul(b3, Z3);
        t2 = Fp.mul(a, t2);
        t3 = Fp.sub(t0, t2);
        t3 = Fp.mul(a, t3);
        t3 = Fp.add(t3, Z3);
        Z3 = Fp.add(t0, t0);
        t0 = Fp.add(Z3, t0);
        t0 = Fp.add(t0, t2);
        t0 = Fp.mul(t0, t3);
        Y3 = Fp.add(Y3, t0);
        t2 = Fp.mul(Y1, Z1);
        t2 = Fp.add(t2, t2);
        t0 = Fp.mul(t2, t3);
        X3 = Fp.sub(X3, t0);
        Z3 = Fp.mul(t2, t1);
        Z3 = Fp.add(Z3, Z3);
        Z3 = Fp.add(Z3, Z3);
        return new Point(X3, Y3, Z3);
      }
      // Renes-Costello-Batina exception-free addition formula.
      // There is 30% faster Jacobian formula, but it is not complete.
      // https://eprint.iacr.org/2015/1060, algorithm 1
      // Cost: 12M + 0S + 3*a + 3*b3 + 23add.
      add(other) {
        aprjpoint(other);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        const { X: X2, Y: Y2, Z: Z2 } = other;
        let X3 = Fp.ZERO, Y3 = Fp.ZERO, Z3 = Fp.ZERO;
        const a = CURVE.a;
        const b3 = Fp.mul(CURVE.b, _3n2);
        let t0 = Fp.mul(X1, X2);
        let t1 = Fp.mul(Y1, Y2);
        let t2 = Fp.mul(Z1, Z2);
        let t3 = Fp.add(X1, Y1);
        let t4 = Fp.add(X2, Y2);
        t3 = Fp.mul(t3, t4);
        t4 = Fp.add(t0, t1);
        t3 = Fp.sub(t3, t4);
        t4 = Fp.add(X1, Z1);
        let t5 = Fp.add(X2, Z2);
        t4 = Fp.mul(t4, t5);
        t5 = Fp.add(t0, t2);
        t4 = Fp.sub(t4, t5);
        t5 = Fp.add(Y1, Z1);
        X3 = Fp.add(Y2, Z2);
        t5 = Fp.mul(t5, X3);
        X3 = Fp.add(t1, t2);
        t5 = Fp.sub(t5, X3);
        Z3 = Fp.mul(a, t4);
        X3 = Fp.mul(b3, t2);
        Z3 = Fp.add(X3, Z3);
        X3 = Fp.sub(t1, Z3);
        Z3 = Fp.add(t1, Z3);
        Y3 = Fp.mul(X3, Z3);
        t1 = Fp.add(t0, t0);
        t1 = Fp.add(t1, t0);
        t2 = Fp.mul(a, t2);
        t4 = Fp.mul(b3, t4);
        t1 = Fp.add(t1, t2);
        t2 = Fp.sub(t0, t2);
        t2 = Fp.mul(a, t2);
        t4 = Fp.add(t4, t2);
        t0 = Fp.mul(t1, t4);
        Y3 = Fp.add(Y3, t0);
        t0 = Fp.mul(t5, t4);
        X3 = Fp.mul(t3, X3);
        X3 = Fp.sub(X3, t0);
        t0 = Fp.mul(t3, t1);
        Z3 = Fp.mul(t5, Z3);
        Z3 = Fp.add(Z3, t0);
        return new Point(X3, Y3, Z3);
      }
      subtract(other) {
        return this.add(other.negate());
      }
      is0() {
        return this.equals(Point.ZERO);
      }
      /**
       * Constant time multiplication.
       * Uses wNAF method. Windowed method may be 10% faster,
       * but takes 2x longer to generate and consumes 2x memory.
       * Uses precomputes when available.
       * Uses endomorphism for Koblitz curves.
       * @param scalar by which the point would be multiplied
       * @returns New point
       */
      multiply(scalar) {
        const { endo: endo2 } = extraOpts;
        if (!Fn.isValidNot0(scalar))
          throw new Error("invalid scalar: out of range");
        let point, fake;
        const mul = (n) => wnaf.cached(this, n, (p) => normalizeZ(Point, p));
        if (endo2) {
          const { k1neg, k1, k2neg, k2 } = splitEndoScalarN(scalar);
          const { p: k1p, f: k1f } = mul(k1);
          const { p: k2p, f: k2f } = mul(k2);
          fake = k1f.add(k2f);
          point = finishEndo(endo2.beta, k1p, k2p, k1neg, k2neg);
        } else {
          const { p, f } = mul(scalar);
          point = p;
          fake = f;
        }
        return normalizeZ(Point, [point, fake])[0];
      }
      /**
       * Non-constant-time multiplication. Uses double-and-add algorithm.
       * It's faster, but should only be used when you don't care about
       * an exposed secret key e.g. sig verification, which works over *public* keys.
       */
      multiplyUnsafe(sc) {
        const { endo: endo2 } = extraOpts;
        const p = this;
        if (!Fn.isValid(sc))
          throw new Error("invalid scalar: out of range");
        if (sc === _0n4 || p.is0())
          return Point.ZERO;
        if (sc === _1n4)
          return p;
        if (wnaf.hasCache(this))
          return this.multiply(sc);
        if (endo2) {
          const { k1neg, k1, k2neg, k2 } = splitEndoScalarN(sc);
          const { p1, p2 } = mulEndoUnsafe(Point, p, k1, k2);
          return finishEndo(endo2.beta, p1, p2, k1neg, k2neg);
        } else {
          return wnaf.unsafe(p, sc);
        }
      }
      multiplyAndAddUnsafe(Q, a, b) {
        const sum = this.multiplyUnsafe(a).add(Q.multiplyUnsafe(b));
        return sum.is0() ? void 0 : sum;
      }
      /**
       * Converts Projective point to affine (x, y) coordinates.
       * @param invertedZ Z^-1 (inverted zero) - optional, precomputation is useful for invertBatch
       */
      toAffine(invertedZ) {
        return toAffineMemo(this, invertedZ);
      }
      /**
       * Checks whether Point is free of torsion elements (is in prime subgroup).
       * Always torsion-free for cofactor=1 curves.
       */
      isTorsionFree() {
        const { isTorsionFree } = extraOpts;
        if (cofactor === _1n4)
          return true;
        if (isTorsionFree)
          return isTorsionFree(Point, this);
        return wnaf.unsafe(this, CURVE_ORDER).is0();
      }
      clearCofactor() {
        const { clearCofactor } = extraOpts;
        if (cofactor === _1n4)
          return this;
        if (clearCofactor)
          return clearCofactor(Point, this);
        return this.multiplyUnsafe(cofactor);
      }
      isSmallOrder() {
        return this.multiplyUnsafe(cofactor).is0();
      }
      toBytes(isCompressed = true) {
        _abool2(isCompressed, "isCompressed");
        this.assertValidity();
        return encodePoint(Point, this, isCompressed);
      }
      toHex(isCompressed = true) {
        return bytesToHex2(this.toBytes(isCompressed));
      }
      toString() {
        return `<Point ${this.is0() ? "ZERO" : this.toHex()}>`;
      }
      // TODO: remove
      get px() {
        return this.X;
      }
      get py() {
        return this.X;
      }
      get pz() {
        return this.Z;
      }
      toRawBytes(isCompressed = true) {
        return this.toBytes(isCompressed);
      }
      _setWindowSize(windowSize) {
        this.precompute(windowSize);
      }
      static normalizeZ(points) {
        return normalizeZ(Point, points);
      }
      static msm(points, scalars) {
        return pippenger(Point, Fn, points, scalars);
      }
      static fromPrivateKey(privateKey) {
        return Point.BASE.multiply(_normFnElement(Fn, privateKey));
      }
    }
    Point.BASE = new Point(CURVE.Gx, CURVE.Gy, Fp.ONE);
    Point.ZERO = new Point(Fp.ZERO, Fp.ONE, Fp.ZERO);
    Point.Fp = Fp;
    Point.Fn = Fn;
    const bits = Fn.BITS;
    const wnaf = new wNAF(Point, extraOpts.endo ? Math.ceil(bits / 2) : bits);
    Point.BASE.precompute(8);
    return Point;
  }
  function pprefix(hasEvenY) {
    return Uint8Array.of(hasEvenY ? 2 : 3);
  }
  function getWLengths(Fp, Fn) {
    return {
      secretKey: Fn.BYTES,
      publicKey: 1 + Fp.BYTES,
      publicKeyUncompressed: 1 + 2 * Fp.BYTES,
      publicKeyHasPrefix: true,
      signature: 2 * Fn.BYTES
    };
  }
  function ecdh(Point, ecdhOpts = {}) {
    const { Fn } = Point;
    const randomBytes_ = ecdhOpts.randomBytes || randomBytes;
    const lengths = Object.assign(getWLengths(Point.Fp, Fn), { seed: getMinHashLength(Fn.ORDER) });
    function isValidSecretKey(secretKey) {
      try {
        return !!_normFnElement(Fn, secretKey);
      } catch (error) {
        return false;
      }
    }
    function isValidPublicKey(publicKey, isCompressed) {
      const { publicKey: comp, publicKeyUncompressed } = lengths;
      try {
        const l = publicKey.length;
        if (isCompressed === true && l !== comp)
          return false;
        if (isCompressed === false && l !== publicKeyUncompressed)
          return false;
        return !!Point.fromBytes(publicKey);
      } catch (error) {
        return false;
      }
    }
    function randomSecretKey(seed = randomBytes_(lengths.seed)) {
      return mapHashToField(_abytes2(seed, lengths.seed, "seed"), Fn.ORDER);
    }
    function getPublicKey(secretKey, isCompressed = true) {
      return Point.BASE.multiply(_normFnElement(Fn, secretKey)).toBytes(isCompressed);
    }
    function keygen(seed) {
      const secretKey = randomSecretKey(seed);
      return { secretKey, publicKey: getPublicKey(secretKey) };
    }
    function isProbPub(item) {
      if (typeof item === "bigint")
        return false;
      if (item instanceof Point)
        return true;
      const { secretKey, publicKey, publicKeyUncompressed } = lengths;
      if (Fn.allowedLengths || secretKey === publicKey)
        return void 0;
      const l = ensureBytes("key", item).length;
      return l === publicKey || l === publicKeyUncompressed;
    }
    function getSharedSecret(secretKeyA, publicKeyB, isCompressed = true) {
      if (isProbPub(secretKeyA) === true)
        throw new Error("first arg must be private key");
      if (isProbPub(publicKeyB) === false)
        throw new Error("second arg must be public key");
      const s = _normFnElement(Fn, secretKeyA);
      const b = Point.fromHex(publicKeyB);
      return b.multiply(s).toBytes(isCompressed);
    }
    const utils = {
      isValidSecretKey,
      isValidPublicKey,
      randomSecretKey,
      // TODO: remove
      isValidPrivateKey: isValidSecretKey,
      randomPrivateKey: randomSecretKey,
      normPrivateKeyToScalar: (key) => _normFnElement(Fn, key),
      precompute(windowSize = 8, point = Point.BASE) {
        return point.precompute(windowSize, false);
      }
    };
    return Object.freeze({ getPublicKey, getSharedSecret, keygen, Point, utils, lengths });
  }
  function ecdsa(Point, hash, ecdsaOpts = {}) {
    ahash(hash);
    _validateObject(ecdsaOpts, {}, {
      hmac: "function",
      lowS: "boolean",
      randomBytes: "function",
      bits2int: "function",
      bits2int_modN: "function"
    });
    const randomBytes2 = ecdsaOpts.randomBytes || randomBytes;
    const hmac2 = ecdsaOpts.hmac || ((key, ...msgs) => hmac(hash, key, concatBytes(...msgs)));
    const { Fp, Fn } = Point;
    const { ORDER: CURVE_ORDER, BITS: fnBits } = Fn;
    const { keygen, getPublicKey, getSharedSecret, utils, lengths } = ecdh(Point, ecdsaOpts);
    const defaultSigOpts = {
      prehash: false,
      lowS: typeof ecdsaOpts.lowS === "boolean" ? ecdsaOpts.lowS : false,
      format: void 0,
      //'compact' as ECDSASigFormat,
      extraEntropy: false
    };
    const defaultSigOpts_format = "compact";
    function isBiggerThanHalfOrder(number) {
      const HALF = CURVE_ORDER >> _1n4;
      return number > HALF;
    }
    function validateRS(title, num) {
      if (!Fn.isValidNot0(num))
        throw new Error(`invalid signature ${title}: out of range 1..Point.Fn.ORDER`);
      return num;
    }
    function validateSigLength(bytes, format) {
      validateSigFormat(format);
      const size = lengths.signature;
      const sizer = format === "compact" ? size : format === "recovered" ? size + 1 : void 0;
      return _abytes2(bytes, sizer, `${format} signature`);
    }
    class Signature {
      constructor(r, s, recovery) {
        this.r = validateRS("r", r);
        this.s = validateRS("s", s);
        if (recovery != null)
          this.recovery = recovery;
        Object.freeze(this);
      }
      static fromBytes(bytes, format = defaultSigOpts_format) {
        validateSigLength(bytes, format);
        let recid;
        if (format === "der") {
          const { r: r2, s: s2 } = DER.toSig(_abytes2(bytes));
          return new Signature(r2, s2);
        }
        if (format === "recovered") {
          recid = bytes[0];
          format = "compact";
          bytes = bytes.subarray(1);
        }
        const L = Fn.BYTES;
        const r = bytes.subarray(0, L);
        const s = bytes.subarray(L, L * 2);
        return new Signature(Fn.fromBytes(r), Fn.fromBytes(s), recid);
      }
      static fromHex(hex, format) {
        return this.fromBytes(hexToBytes2(hex), format);
      }
      addRecoveryBit(recovery) {
        return new Signature(this.r, this.s, recovery);
      }
      recoverPublicKey(messageHash) {
        const FIELD_ORDER = Fp.ORDER;
        const { r, s, recovery: rec } = this;
        if (rec == null || ![0, 1, 2, 3].includes(rec))
          throw new Error("recovery id invalid");
        const hasCofactor = CURVE_ORDER * _2n2 < FIELD_ORDER;
        if (hasCofactor && rec > 1)
          throw new Error("recovery id is ambiguous for h>1 curve");
        const radj = rec === 2 || rec === 3 ? r + CURVE_ORDER : r;
        if (!Fp.isValid(radj))
          throw new Error("recovery id 2 or 3 invalid");
        const x = Fp.toBytes(radj);
        const R = Point.fromBytes(concatBytes(pprefix((rec & 1) === 0), x));
        const ir = Fn.inv(radj);
        const h = bits2int_modN(ensureBytes("msgHash", messageHash));
        const u1 = Fn.create(-h * ir);
        const u2 = Fn.create(s * ir);
        const Q = Point.BASE.multiplyUnsafe(u1).add(R.multiplyUnsafe(u2));
        if (Q.is0())
          throw new Error("point at infinify");
        Q.assertValidity();
        return Q;
      }
      // Signatures should be low-s, to prevent malleability.
      hasHighS() {
        return isBiggerThanHalfOrder(this.s);
      }
      toBytes(format = defaultSigOpts_format) {
        validateSigFormat(format);
        if (format === "der")
          return hexToBytes2(DER.hexFromSig(this));
        const r = Fn.toBytes(this.r);
        const s = Fn.toBytes(this.s);
        if (format === "recovered") {
          if (this.recovery == null)
            throw new Error("recovery bit must be present");
          return concatBytes(Uint8Array.of(this.recovery), r, s);
        }
        return concatBytes(r, s);
      }
      toHex(format) {
        return bytesToHex2(this.toBytes(format));
      }
      // TODO: remove
      assertValidity() {
      }
      static fromCompact(hex) {
        return Signature.fromBytes(ensureBytes("sig", hex), "compact");
      }
      static fromDER(hex) {
        return Signature.fromBytes(ensureBytes("sig", hex), "der");
      }
      normalizeS() {
        return this.hasHighS() ? new Signature(this.r, Fn.neg(this.s), this.recovery) : this;
      }
      toDERRawBytes() {
        return this.toBytes("der");
      }
      toDERHex() {
        return bytesToHex2(this.toBytes("der"));
      }
      toCompactRawBytes() {
        return this.toBytes("compact");
      }
      toCompactHex() {
        return bytesToHex2(this.toBytes("compact"));
      }
    }
    const bits2int = ecdsaOpts.bits2int || function bits2int_def(bytes) {
      if (bytes.length > 8192)
        throw new Error("input is too large");
      const num = bytesToNumberBE(bytes);
      const delta = bytes.length * 8 - fnBits;
      return delta > 0 ? num >> BigInt(delta) : num;
    };
    const bits2int_modN = ecdsaOpts.bits2int_modN || function bits2int_modN_def(bytes) {
      return Fn.create(bits2int(bytes));
    };
    const ORDER_MASK = bitMask(fnBits);
    function int2octets(num) {
      aInRange("num < 2^" + fnBits, num, _0n4, ORDER_MASK);
      return Fn.toBytes(num);
    }
    function validateMsgAndHash(message, prehash) {
      _abytes2(message, void 0, "message");
      return prehash ? _abytes2(hash(message), void 0, "prehashed message") : message;
    }
    function prepSig(message, privateKey, opts) {
      if (["recovered", "canonical"].some((k) => k in opts))
        throw new Error("sign() legacy options not supported");
      const { lowS, prehash, extraEntropy } = validateSigOpts(opts, defaultSigOpts);
      message = validateMsgAndHash(message, prehash);
      const h1int = bits2int_modN(message);
      const d = _normFnElement(Fn, privateKey);
      const seedArgs = [int2octets(d), int2octets(h1int)];
      if (extraEntropy != null && extraEntropy !== false) {
        const e = extraEntropy === true ? randomBytes2(lengths.secretKey) : extraEntropy;
        seedArgs.push(ensureBytes("extraEntropy", e));
      }
      const seed = concatBytes(...seedArgs);
      const m = h1int;
      function k2sig(kBytes) {
        const k = bits2int(kBytes);
        if (!Fn.isValidNot0(k))
          return;
        const ik = Fn.inv(k);
        const q = Point.BASE.multiply(k).toAffine();
        const r = Fn.create(q.x);
        if (r === _0n4)
          return;
        const s = Fn.create(ik * Fn.create(m + r * d));
        if (s === _0n4)
          return;
        let recovery = (q.x === r ? 0 : 2) | Number(q.y & _1n4);
        let normS = s;
        if (lowS && isBiggerThanHalfOrder(s)) {
          normS = Fn.neg(s);
          recovery ^= 1;
        }
        return new Signature(r, normS, recovery);
      }
      return { seed, k2sig };
    }
    function sign(message, secretKey, opts = {}) {
      message = ensureBytes("message", message);
      const { seed, k2sig } = prepSig(message, secretKey, opts);
      const drbg = createHmacDrbg(hash.outputLen, Fn.BYTES, hmac2);
      const sig = drbg(seed, k2sig);
      return sig;
    }
    function tryParsingSig(sg) {
      let sig = void 0;
      const isHex = typeof sg === "string" || isBytes(sg);
      const isObj = !isHex && sg !== null && typeof sg === "object" && typeof sg.r === "bigint" && typeof sg.s === "bigint";
      if (!isHex && !isObj)
        throw new Error("invalid signature, expected Uint8Array, hex string or Signature instance");
      if (isObj) {
        sig = new Signature(sg.r, sg.s);
      } else if (isHex) {
        try {
          sig = Signature.fromBytes(ensureBytes("sig", sg), "der");
        } catch (derError) {
          if (!(derError instanceof DER.Err))
            throw derError;
        }
        if (!sig) {
          try {
            sig = Signature.fromBytes(ensureBytes("sig", sg), "compact");
          } catch (error) {
            return false;
          }
        }
      }
      if (!sig)
        return false;
      return sig;
    }
    function verify(signature, message, publicKey, opts = {}) {
      const { lowS, prehash, format } = validateSigOpts(opts, defaultSigOpts);
      publicKey = ensureBytes("publicKey", publicKey);
      message = validateMsgAndHash(ensureBytes("message", message), prehash);
      if ("strict" in opts)
        throw new Error("options.strict was renamed to lowS");
      const sig = format === void 0 ? tryParsingSig(signature) : Signature.fromBytes(ensureBytes("sig", signature), format);
      if (sig === false)
        return false;
      try {
        const P = Point.fromBytes(publicKey);
        if (lowS && sig.hasHighS())
          return false;
        const { r, s } = sig;
        const h = bits2int_modN(message);
        const is = Fn.inv(s);
        const u1 = Fn.create(h * is);
        const u2 = Fn.create(r * is);
        const R = Point.BASE.multiplyUnsafe(u1).add(P.multiplyUnsafe(u2));
        if (R.is0())
          return false;
        const v = Fn.create(R.x);
        return v === r;
      } catch (e) {
        return false;
      }
    }
    function recoverPublicKey(signature, message, opts = {}) {
      const { prehash } = validateSigOpts(opts, defaultSigOpts);
      message = validateMsgAndHash(message, prehash);
      return Signature.fromBytes(signature, "recovered").recoverPublicKey(message).toBytes();
    }
    return Object.freeze({
      keygen,
      getPublicKey,
      getSharedSecret,
      utils,
      lengths,
      Point,
      sign,
      verify,
      recoverPublicKey,
      Signature,
      hash
    });
  }
  function _weierstrass_legacy_opts_to_new(c) {
    const CURVE = {
      a: c.a,
      b: c.b,
      p: c.Fp.ORDER,
      n: c.n,
      h: c.h,
      Gx: c.Gx,
      Gy: c.Gy
    };
    const Fp = c.Fp;
    let allowedLengths = c.allowedPrivateKeyLengths ? Array.from(new Set(c.allowedPrivateKeyLengths.map((l) => Math.ceil(l / 2)))) : void 0;
    const Fn = Field(CURVE.n, {
      BITS: c.nBitLength,
      allowedLengths,
      modFromBytes: c.wrapPrivateKey
    });
    const curveOpts = {
      Fp,
      Fn,
      allowInfinityPoint: c.allowInfinityPoint,
      endo: c.endo,
      isTorsionFree: c.isTorsionFree,
      clearCofactor: c.clearCofactor,
      fromBytes: c.fromBytes,
      toBytes: c.toBytes
    };
    return { CURVE, curveOpts };
  }
  function _ecdsa_legacy_opts_to_new(c) {
    const { CURVE, curveOpts } = _weierstrass_legacy_opts_to_new(c);
    const ecdsaOpts = {
      hmac: c.hmac,
      randomBytes: c.randomBytes,
      lowS: c.lowS,
      bits2int: c.bits2int,
      bits2int_modN: c.bits2int_modN
    };
    return { CURVE, curveOpts, hash: c.hash, ecdsaOpts };
  }
  function _ecdsa_new_output_to_legacy(c, _ecdsa) {
    const Point = _ecdsa.Point;
    return Object.assign({}, _ecdsa, {
      ProjectivePoint: Point,
      CURVE: Object.assign({}, c, nLength(Point.Fn.ORDER, Point.Fn.BITS))
    });
  }
  function weierstrass(c) {
    const { CURVE, curveOpts, hash, ecdsaOpts } = _ecdsa_legacy_opts_to_new(c);
    const Point = weierstrassN(CURVE, curveOpts);
    const signs = ecdsa(Point, hash, ecdsaOpts);
    return _ecdsa_new_output_to_legacy(c, signs);
  }

  // node_modules/@noble/curves/esm/_shortw_utils.js
  /*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  function createCurve(curveDef, defHash) {
    const create = (hash) => weierstrass({ ...curveDef, hash });
    return { ...create(defHash), create };
  }

  // node_modules/@noble/curves/esm/secp256k1.js
  /*! noble-curves - MIT License (c) 2022 Paul Miller (paulmillr.com) */
  var secp256k1_CURVE = {
    p: BigInt("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"),
    n: BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
    h: BigInt(1),
    a: BigInt(0),
    b: BigInt(7),
    Gx: BigInt("0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
    Gy: BigInt("0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
  };
  var secp256k1_ENDO = {
    beta: BigInt("0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee"),
    basises: [
      [BigInt("0x3086d221a7d46bcde86c90e49284eb15"), -BigInt("0xe4437ed6010e88286f547fa90abfe4c3")],
      [BigInt("0x114ca50f7a8e2f3f657c1108d9d44cfd8"), BigInt("0x3086d221a7d46bcde86c90e49284eb15")]
    ]
  };
  var _2n3 = /* @__PURE__ */ BigInt(2);
  function sqrtMod(y) {
    const P = secp256k1_CURVE.p;
    const _3n3 = BigInt(3), _6n = BigInt(6), _11n = BigInt(11), _22n = BigInt(22);
    const _23n = BigInt(23), _44n = BigInt(44), _88n = BigInt(88);
    const b2 = y * y * y % P;
    const b3 = b2 * b2 * y % P;
    const b6 = pow2(b3, _3n3, P) * b3 % P;
    const b9 = pow2(b6, _3n3, P) * b3 % P;
    const b11 = pow2(b9, _2n3, P) * b2 % P;
    const b22 = pow2(b11, _11n, P) * b11 % P;
    const b44 = pow2(b22, _22n, P) * b22 % P;
    const b88 = pow2(b44, _44n, P) * b44 % P;
    const b176 = pow2(b88, _88n, P) * b88 % P;
    const b220 = pow2(b176, _44n, P) * b44 % P;
    const b223 = pow2(b220, _3n3, P) * b3 % P;
    const t1 = pow2(b223, _23n, P) * b22 % P;
    const t2 = pow2(t1, _6n, P) * b2 % P;
    const root = pow2(t2, _2n3, P);
    if (!Fpk1.eql(Fpk1.sqr(root), y))
      throw new Error("Cannot find square root");
    return root;
  }
  var Fpk1 = Field(secp256k1_CURVE.p, { sqrt: sqrtMod });
  var secp256k1 = createCurve({ ...secp256k1_CURVE, Fp: Fpk1, lowS: true, endo: secp256k1_ENDO }, sha256);

  // tools/proof-verifier/src/statement-encoding.ts
  var ROOT_STATEMENT = "strongroom-root-statement-v1";
  var USER_STATEMENT = "strongroom-user-statement-v1";
  var USER_STATEMENT_FORMAT = "strongroom-user-statement";
  var USER_STATEMENT_VERSION = 1;
  var CUSTODY_SIGNATURE = "custody-signature";
  var utf82 = new TextEncoder();
  var hexText = (s) => bytesToHex(utf82.encode(s));
  var inOrder = (assets, amounts) => assets.map((a) => amounts[a]).join(",");
  function rootStatementMessage(f) {
    return utf82.encode(
      `${ROOT_STATEMENT}
snapshot=${hexText(f.snapshotId)}
time=${f.snapshotTime}
assets=${f.assets.join(",")}
depth=${f.depth}
topHash=${f.topHash}
totals=${inOrder(f.assets, f.totals)}
root=${f.root}
`
    );
  }
  function userStatementMessage(f) {
    return utf82.encode(
      `${USER_STATEMENT}
snapshot=${hexText(f.snapshotId)}
time=${f.snapshotTime}
root=${f.root}
user=${hexText(f.userId)}
assets=${f.assets.join(",")}
balances=${inOrder(f.assets, f.balances)}
issued=${f.issuedAt}
`
    );
  }
  var statementDigest = (message) => sha2562(message);
  var PUBLIC_KEY = /^0[23][0-9a-f]{64}$/;
  var SCALAR = /^[0-9a-f]{64}$/;
  var isPublicKeyHex = (s) => PUBLIC_KEY.test(s);
  function verifyStatementSignature(digest, publicKey, signature) {
    if (!isPublicKeyHex(publicKey) || !SCALAR.test(signature.r) || !SCALAR.test(signature.s)) return false;
    try {
      const sig = new secp256k1.Signature(BigInt(`0x${signature.r}`), BigInt(`0x${signature.s}`));
      return secp256k1.verify(sig.toCompactRawBytes(), digest, hexToBytes(publicKey), { prehash: false, lowS: true });
    } catch {
      return false;
    }
  }
  function normalisePublicKey(input) {
    const s = input.trim().replace(/^0x/i, "").toLowerCase();
    return isPublicKeyHex(s) ? s : null;
  }

  // tools/proof-verifier/src/verify-published.ts
  function verifyPublished(input, options = {}) {
    try {
      const doc2 = within("published", () => {
        const d = readPublished(readDocument(input));
        if (d.topHash === void 0 || d.snapshotTime === void 0)
          throw new Refusal(
            "unsupported_version",
            "$.version",
            "a format 1 root document has no top hash: check it with a proof"
          );
        checkPublishedBinding(d);
        return { ...d, topHash: d.topHash, snapshotTime: d.snapshotTime };
      });
      const facts = {
        version: 2,
        snapshotId: doc2.snapshotId,
        snapshotTime: doc2.snapshotTime,
        assets: doc2.assets,
        depth: doc2.depth,
        topHash: bytesToHex(doc2.topHash),
        totals: amountMap(doc2.assets, doc2.totals),
        root: bytesToHex(doc2.root),
        uncheckedAttestations: doc2.attestations.map((a) => a.type)
      };
      if (options.expectedRoot === void 0) return { ...facts, outcome: "self_consistent", valid: false };
      within("root", () => {
        const expected = parseRootText(options.expectedRoot);
        if (expected !== facts.root)
          throw new Refusal(
            "expected_root_mismatch",
            "root",
            `the document's root is ${facts.root}, not the published ${expected}`
          );
      });
      return { ...facts, outcome: "valid", valid: true };
    } catch (err) {
      if (err instanceof Refusal) return refused(err);
      throw err;
    }
  }

  // tools/proof-verifier/src/statement-verify.ts
  var STATEMENT_REFUSALS = {
    key_invalid: "the trusted key given is not a compressed secp256k1 public key (66 hex digits)",
    signature_missing: "the root document carries no custody-signature attestation",
    signature_invalid: "a signature does not verify against the key it names",
    key_mismatch: "signed by another key than the trusted one",
    statement_mismatch: "the statement is for another snapshot, time, root or asset list than the root document"
  };
  var StatementRefusal = class extends Error {
    constructor(code, at, detail) {
      super(`${at}: ${detail ?? STATEMENT_REFUSALS[code]}`);
      this.code = code;
      this.at = at;
    }
  };
  function guard(run2) {
    try {
      return run2();
    } catch (err) {
      if (err instanceof Refusal || err instanceof StatementRefusal)
        return { outcome: "invalid", valid: false, code: err.code, at: err.at, reason: err.message };
      throw err;
    }
  }
  function trustedKey(key) {
    if (key === void 0) return void 0;
    const k = normalisePublicKey(key);
    if (k === null) throw new StatementRefusal("key_invalid", "key");
    return k;
  }
  function readPublicKey(obj, where) {
    const publicKey = asString(field(obj, "publicKey", where), `${where}.publicKey`);
    if (!isPublicKeyHex(publicKey))
      throw new Refusal("hex_invalid", `${where}.publicKey`, "expected 66 lower-case hex characters (02 or 03 first)");
    return publicKey;
  }
  function readScalars(obj, where) {
    return {
      r: bytesToHex(readHash(field(obj, "r", where), `${where}.r`)),
      s: bytesToHex(readHash(field(obj, "s", where), `${where}.s`))
    };
  }
  function verifyRootSignature(input, options = {}) {
    return guard(() => {
      const key = trustedKey(options.key);
      const checked = verifyPublished(input);
      if (checked.outcome === "invalid") return checked;
      const { outcome: _o, valid: _v, ...facts } = checked;
      const doc2 = asObject(readDocument(input), "$");
      const signedBy = [];
      asArray(field(doc2, "attestations", "$"), "$.attestations").forEach((a, i) => {
        const at = `$.attestations[${i}]`;
        const obj = asObject(a, at);
        if (field(obj, "type", at) !== CUSTODY_SIGNATURE) return;
        onlyKeys(obj, ["type", "statement", "publicKey", "r", "s"], at);
        const statement = asString(field(obj, "statement", at), `${at}.statement`);
        if (statement !== ROOT_STATEMENT)
          throw new Refusal("unsupported_version", `${at}.statement`, `${quote(statement)} is not ${ROOT_STATEMENT}`);
        const publicKey = readPublicKey(obj, at);
        if (!verifyStatementSignature(statementDigest(rootStatementMessage(facts)), publicKey, readScalars(obj, at)))
          throw new StatementRefusal("signature_invalid", at);
        signedBy.push(publicKey);
      });
      if (signedBy.length === 0) throw new StatementRefusal("signature_missing", "$.attestations");
      if (key !== void 0 && !signedBy.includes(key))
        throw new StatementRefusal("key_mismatch", "$.attestations", `not signed by the trusted key ${key}`);
      const result = { ...facts, signedBy };
      return key === void 0 ? { ...result, outcome: "self_consistent", valid: false } : { ...result, outcome: "valid", valid: true };
    });
  }
  var USER_FIELDS = [
    "format",
    "version",
    "snapshotId",
    "snapshotTime",
    "root",
    "userId",
    "assets",
    "balances",
    "issuedAt",
    "publicKey",
    "signature"
  ];
  function readUserStatement(v) {
    const doc2 = asObject(v, "$");
    if (field(doc2, "format", "$") !== USER_STATEMENT_FORMAT)
      throw new Refusal("unknown_format", "$.format", `expected "${USER_STATEMENT_FORMAT}"`);
    const version = asInteger(field(doc2, "version", "$"), "$.version");
    if (version !== BigInt(USER_STATEMENT_VERSION))
      throw new Refusal("unsupported_version", "$.version", `version ${version} is not supported (known: 1)`);
    onlyKeys(doc2, USER_FIELDS, "$");
    const snapshotId = checkIdentifier(field(doc2, "snapshotId", "$"), "$.snapshotId");
    const snapshotTime = checkSnapshotTime(field(doc2, "snapshotTime", "$"), "$.snapshotTime");
    const root = bytesToHex(readHash(field(doc2, "root", "$"), "$.root"));
    const userId = checkIdentifier(field(doc2, "userId", "$"), "$.userId");
    const assets = readAssets(field(doc2, "assets", "$"), "$.assets", 2);
    const balances = amountMap(assets, readAmounts(field(doc2, "balances", "$"), assets, "$.balances"));
    const issuedAt = checkSnapshotTime(field(doc2, "issuedAt", "$"), "$.issuedAt");
    const publicKey = readPublicKey(doc2, "$");
    const signature = asObject(field(doc2, "signature", "$"), "$.signature");
    onlyKeys(signature, ["r", "s"], "$.signature");
    return {
      format: USER_STATEMENT_FORMAT,
      version: USER_STATEMENT_VERSION,
      snapshotId,
      snapshotTime,
      root,
      userId,
      assets,
      balances,
      issuedAt,
      publicKey,
      signature: readScalars(signature, "$.signature")
    };
  }
  function verifyUserStatement(input, options) {
    return guard(() => {
      if (typeof options?.userId !== "string" || options.userId === "")
        throw new Refusal("user_required", "user", "give the user id the statement must be for");
      const userId = checkIdentifier(options.userId, "user");
      const key = trustedKey(options.key);
      const st = readUserStatement(readDocument(input));
      if (st.userId !== userId)
        throw new Refusal("user_mismatch", "$.userId", `the statement is for ${quote(st.userId)}, not ${quote(userId)}`);
      if (!verifyStatementSignature(statementDigest(userStatementMessage(st)), st.publicKey, st.signature))
        throw new StatementRefusal("signature_invalid", "$.signature");
      if (key !== void 0 && key !== st.publicKey)
        throw new StatementRefusal("key_mismatch", "$.publicKey", `signed by ${st.publicKey}, not by ${key}`);
      if (options.published === void 0)
        return key === void 0 ? { ...st, outcome: "self_consistent", valid: false } : { ...st, outcome: "valid", valid: true };
      const root = verifyRootSignature(options.published, { key: st.publicKey });
      if (root.outcome === "invalid") return { ...root, at: `published ${root.at}` };
      const same = root.snapshotId === st.snapshotId && root.snapshotTime === st.snapshotTime && root.root === st.root && root.assets.join(",") === st.assets.join(",");
      if (!same) throw new StatementRefusal("statement_mismatch", "$");
      return { ...st, outcome: "valid", valid: true };
    });
  }

  // tools/proof-verifier/src/page-statement.ts
  function statementTrust() {
    const text = byId("statement-trust").value.trim();
    if (text === "") return {};
    return text.startsWith("{") ? { published: text } : { key: text };
  }
  function setStatus(result, className, text) {
    const status = byId("statement-status");
    status.setAttribute("data-result", result);
    status.className = className;
    status.textContent = text;
  }
  function showStatement(r) {
    const details = byId("statement-details");
    details.replaceChildren();
    if (r.outcome === "invalid") {
      setStatus("invalid", "invalid", `INVALID statement (${r.code})`);
      details.appendChild(el("p", terminalSafe(`at ${r.at}: ${r.reason}`), "reason"));
      return;
    }
    const user = terminalSafe(r.userId);
    const snapshot2 = terminalSafe(r.snapshotId);
    if (r.outcome === "valid")
      setStatus("valid", "valid", `VALID: the custody states ${user} held these balances in snapshot ${snapshot2}`);
    else setStatus("self-consistent", "warning", "SELF-CONSISTENT ONLY: signed by the key it names, not a trusted one");
    const table = el("table");
    const head = el("tr");
    for (const h of ["Asset", "Your balance"]) head.appendChild(el("th", h));
    table.appendChild(head);
    for (const a of r.assets) {
      const row = el("tr");
      row.setAttribute("data-asset", a);
      row.appendChild(el("td", terminalSafe(a)));
      row.appendChild(el("td", r.balances[a], "balance"));
      table.appendChild(row);
    }
    details.appendChild(table);
    details.appendChild(el("p", `Snapshot ${snapshot2}, taken ${r.snapshotTime}; issued ${r.issuedAt}`, "snapshot"));
    details.appendChild(el("p", `Root: ${r.root}`, "root"));
    details.appendChild(el("p", `Signed by: ${r.publicKey}`, "root"));
    if (r.outcome === "self_consistent")
      details.appendChild(
        el(
          "p",
          "Anyone can sign a statement with a key of their own. Enter the custody’s publication key or the signed root document it published, from a channel you trust, to check that the custody signed this one.",
          "warning"
        )
      );
  }
  async function checkStatement() {
    const input = await textOrFile("statement", "statement-file");
    showStatement(verifyUserStatement(input, { userId: byId("statement-user").value, ...statementTrust() }));
  }
  byId("check-statement").addEventListener("click", () => void checkStatement());

  // tools/proof-verifier/src/page.ts
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
    show(verifyProof(await textOrFile("proof", "proof-file"), { userId, ...trust() }));
  }
  byId("verify").addEventListener("click", () => void run());
})();
