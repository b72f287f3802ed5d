// bcoin must use its pure-JS backends: native addons are not built on install.
process.env.NODE_BACKEND = 'js';
process.env.NX_NO_CLOUD = 'true';
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
