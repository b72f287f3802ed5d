// Generated from tools/proof-verifier/src by build/bundle-page.ts; do not edit. Rebuild: node tools/run.js tools/proof-verifier/build/write-page.ts
"use strict";
(() => {
  // tools/proof-verifier/src/format.ts
  var FORMAT = "strongroom-proof-of-liabilities";
  var VERSION = 1;
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
  var DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
  var HEX32 = /^[0-9a-f]{64}$/;
  var utf8 = new TextEncoder();
  var FormatError = class extends Error {
    constructor(field, message) {
      super(`${field}: ${message}`);
      this.field = field;
      this.name = "FormatError";
    }
  };
  function parseAmount(value, field) {
    if (typeof value !== "string" || !DECIMAL.test(value)) {
      throw new FormatError(field, `expected a non-negative integer as a decimal string, got ${JSON.stringify(value)}`);
    }
    const v = BigInt(value);
    if (v >= AMOUNT_LIMIT) throw new FormatError(field, "exceeds 2^256-1");
    return v;
  }
  function writeU256(value, out, offset) {
    if (value < 0n || value >= AMOUNT_LIMIT) throw new RangeError(`amount out of u256 range: ${value}`);
    let v = value;
    for (let i = AMOUNT_BYTES - 1; i >= 0; i--) {
      out[offset + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  function parseHash(value, field) {
    if (typeof value !== "string" || !HEX32.test(value))
      throw new FormatError(field, "expected 64 lower-case hex characters");
    return hexToBytes(value);
  }
  function hexToBytes(hex) {
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  function bytesToHex(bytes) {
    let s = "";
    for (const b of bytes) s += b.toString(16).padStart(2, "0");
    return s;
  }
  function idBytes(value, field) {
    if (typeof value !== "string" || value.length === 0) throw new FormatError(field, "expected a non-empty string");
    const b = utf8.encode(value);
    if (b.length > MAX_ID_BYTES) throw new FormatError(field, `longer than ${MAX_ID_BYTES} UTF-8 bytes`);
    return b;
  }
  function checkAssets(assets) {
    if (!Array.isArray(assets) || assets.length === 0 || assets.length > MAX_ASSETS) {
      throw new FormatError("assets", `expected 1–${MAX_ASSETS} asset codes`);
    }
    const seen = /* @__PURE__ */ new Set();
    for (const a of assets) {
      if (typeof a !== "string" || !ASSET_CODE.test(a))
        throw new FormatError("assets", `invalid asset code ${JSON.stringify(a)}`);
      if (seen.has(a)) throw new FormatError("assets", `duplicate asset code ${a}`);
      seen.add(a);
    }
    return assets;
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
  function contextMessage(snapshotId, assets) {
    const sid = idBytes(snapshotId, "snapshotId");
    const codes = checkAssets(assets).map((a) => utf8.encode(a));
    return concat([[TAG.context, VERSION, sid.length], sid, [codes.length], ...codes.flatMap((c) => [[c.length], c])]);
  }
  function commitmentMessage(context, nonce, userId) {
    if (context.length !== HASH_BYTES || nonce.length !== NONCE_BYTES)
      throw new RangeError("context and nonce must be 32 bytes");
    return concat([[TAG.commitment, VERSION], context, nonce, [userId.length], userId]);
  }
  function leafMessage(commitment, balances) {
    const out = new Uint8Array(2 + HASH_BYTES + AMOUNT_BYTES * balances.length);
    out[0] = TAG.leaf;
    out[1] = VERSION;
    out.set(commitment, 2);
    balances.forEach((b, i) => writeU256(b, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
    return out;
  }
  function nodeMessage(leftHash, leftSums, rightHash, rightSums) {
    const n = leftSums.length;
    const half = HASH_BYTES + AMOUNT_BYTES * n;
    const out = new Uint8Array(2 + 2 * half);
    out[0] = TAG.node;
    out[1] = VERSION;
    out.set(leftHash, 2);
    leftSums.forEach((s, i) => writeU256(s, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
    out.set(rightHash, 2 + half);
    rightSums.forEach((s, i) => writeU256(s, out, 2 + half + HASH_BYTES + AMOUNT_BYTES * i));
    return out;
  }
  function rootMessage(context, depth, topHash, totals) {
    const out = new Uint8Array(2 + HASH_BYTES + 1 + HASH_BYTES + AMOUNT_BYTES * totals.length);
    out[0] = TAG.root;
    out[1] = VERSION;
    out.set(context, 2);
    out[2 + HASH_BYTES] = depth;
    out.set(topHash, 3 + HASH_BYTES);
    totals.forEach((t, i) => writeU256(t, out, 3 + 2 * HASH_BYTES + AMOUNT_BYTES * i));
    return out;
  }
  function amountsInOrder(map, assets, field) {
    if (typeof map !== "object" || map === null || Array.isArray(map))
      throw new FormatError(field, "expected an object of asset → amount");
    const record = map;
    const extra = Object.keys(record).filter((k) => !assets.includes(k));
    if (extra.length > 0) throw new FormatError(field, `unknown asset(s) ${extra.join(", ")}`);
    return assets.map((a) => {
      if (!(a in record)) throw new FormatError(field, `missing asset ${a}`);
      return parseAmount(record[a], `${field}.${a}`);
    });
  }
  function amountMap(assets, values) {
    return Object.fromEntries(assets.map((a, i) => [a, values[i].toString()]));
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
  function utf8ToBytes(str) {
    if (typeof str !== "string")
      throw new Error("string expected");
    return new Uint8Array(new TextEncoder().encode(str));
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
  var fail = (code, reason) => ({ valid: false, code, reason });
  function verifyProof(input, options = {}) {
    let proof = input;
    if (typeof input === "string") {
      try {
        proof = JSON.parse(input);
      } catch (err) {
        return fail("malformed", `not JSON: ${err.message}`);
      }
    }
    try {
      return verifyParsed(proof, options);
    } catch (err) {
      if (err instanceof FormatError) return fail("malformed", err.message);
      throw err;
    }
  }
  function verifyParsed(proof, options) {
    if (typeof proof !== "object" || proof === null || Array.isArray(proof))
      return fail("malformed", "expected a JSON object");
    const p = proof;
    if (p.format !== FORMAT) return fail("malformed", `format: expected "${FORMAT}"`);
    if (p.version !== VERSION)
      return fail(
        "unsupported_version",
        `version ${JSON.stringify(p.version)} is not supported (this verifier knows ${VERSION})`
      );
    const known = /* @__PURE__ */ new Set([
      "format",
      "version",
      "snapshotId",
      "assets",
      "root",
      "totals",
      "userId",
      "nonce",
      "balances",
      "leafIndex",
      "path"
    ]);
    const unknown = Object.keys(p).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new FormatError(unknown[0], "unknown field");
    const assets = checkAssets(p.assets);
    const snapshotId = p.snapshotId;
    const context = sha2562(contextMessage(snapshotId, assets));
    const userId = p.userId;
    const nonce = parseHash(p.nonce, "nonce");
    const balances = amountsInOrder(p.balances, assets, "balances");
    const claimedRoot = parseHash(p.root, "root");
    const claimedTotals = amountsInOrder(p.totals, assets, "totals");
    if (!Array.isArray(p.path) || p.path.length > MAX_DEPTH)
      throw new FormatError("path", `expected an array of at most ${MAX_DEPTH} steps`);
    const depth = p.path.length;
    const leafIndex = p.leafIndex;
    if (typeof leafIndex !== "number" || !Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= 2 ** depth) {
      throw new FormatError("leafIndex", `expected an integer in [0, 2^${depth})`);
    }
    const commitment = sha2562(commitmentMessage(context, nonce, idBytes(userId, "userId")));
    let hash = sha2562(leafMessage(commitment, balances));
    let sums = balances;
    for (let level = 0; level < depth; level++) {
      const step = p.path[level];
      if (typeof step !== "object" || step === null) throw new FormatError(`path[${level}]`, "expected {hash, sums}");
      const s = step;
      const extra = Object.keys(s).find((k) => k !== "hash" && k !== "sums");
      if (extra !== void 0) throw new FormatError(`path[${level}].${extra}`, "unknown field");
      const siblingHash = parseHash(s.hash, `path[${level}].hash`);
      const siblingSums = amountsInOrder(s.sums, assets, `path[${level}].sums`);
      const isRight = Math.floor(leafIndex / 2 ** level) % 2 === 1;
      hash = isRight ? sha2562(nodeMessage(siblingHash, siblingSums, hash, sums)) : sha2562(nodeMessage(hash, sums, siblingHash, siblingSums));
      const parent = sums.map((v, i) => v + siblingSums[i]);
      const over = parent.findIndex((v) => v >= AMOUNT_LIMIT);
      if (over >= 0) return fail("sum_overflow", `the ${assets[over]} sum at level ${level + 1} exceeds 2^256-1`);
      sums = parent;
    }
    const root = sha2562(rootMessage(context, depth, hash, sums));
    const rootHex = bytesToHex(root);
    if (rootHex !== bytesToHex(claimedRoot)) {
      return fail(
        "root_mismatch",
        `the recomputed root ${rootHex} differs from the proof's root ${bytesToHex(claimedRoot)}: the balances, user id, nonce, leaf index or a sibling (hash or sums) was altered or is missing`
      );
    }
    const wrongTotal = claimedTotals.findIndex((t, i) => t !== sums[i]);
    if (wrongTotal >= 0) {
      return fail(
        "totals_mismatch",
        `the proof claims ${assets[wrongTotal]} total ${claimedTotals[wrongTotal]} but its path sums to ${sums[wrongTotal]}`
      );
    }
    if (options.expectedRoot !== void 0) {
      const expected = options.expectedRoot.trim().toLowerCase().replace(/^0x/, "");
      if (expected !== rootHex)
        return fail(
          "expected_root_mismatch",
          `the proof leads to root ${rootHex}, not to the published root ${expected}`
        );
    }
    return {
      valid: true,
      snapshotId,
      assets,
      userId,
      balances: amountMap(assets, balances),
      totals: amountMap(assets, sums),
      root: rootHex,
      depth,
      rootChecked: options.expectedRoot !== void 0
    };
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
  function run() {
    const status = byId("status");
    const details = byId("details");
    const root = byId("root").value.trim();
    const result = verifyProof(byId("proof").value, root ? { expectedRoot: root } : {});
    details.replaceChildren();
    if (!result.valid) {
      status.setAttribute("data-result", "invalid");
      status.className = "invalid";
      status.textContent = `Invalid proof (${result.code})`;
      details.appendChild(el("p", result.reason, "reason"));
      return;
    }
    status.setAttribute("data-result", "valid");
    status.className = "valid";
    status.textContent = `Valid: ${result.userId} is included in snapshot ${result.snapshotId}`;
    const table = el("table");
    const head = el("tr");
    for (const h of ["Asset", "Your balance", "Total liabilities"]) head.appendChild(el("th", h));
    table.appendChild(head);
    for (const a of result.assets) {
      const row = el("tr");
      row.setAttribute("data-asset", a);
      row.appendChild(el("td", a));
      row.appendChild(el("td", result.balances[a], "balance"));
      row.appendChild(el("td", result.totals[a]));
      table.appendChild(row);
    }
    details.appendChild(table);
    details.appendChild(el("p", `Root: ${result.root}`, "root"));
    details.appendChild(
      el(
        "p",
        result.rootChecked ? "The proof leads to the published root you entered." : "No published root entered: the proof is consistent, but compare the root above with the one the operator published.",
        result.rootChecked ? "note" : "warning"
      )
    );
  }
  byId("verify").addEventListener("click", run);
})();
