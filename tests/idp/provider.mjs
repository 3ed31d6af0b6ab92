// A real OpenID Connect provider (npm `oidc-provider`) for the auth tests, on loopback.
//
// What it offers, and what the tests rely on:
// - dynamic client registration (RFC 7591) at /reg, open (no initial access token);
// - authorization code with PKCE S256 required for every client (RFC 7636, OAuth 2.1);
// - resource indicators (RFC 8707): any http URL on 127.0.0.1 or localhost is a resource server
//   whose access tokens are JWTs (RFC 9068, `typ: at+jwt`, RS256) with `aud` = the resource and
//   `scope` = the granted subset of itglue.read, itglue.secrets.reveal, itglue.admin;
// - client_credentials for one pre-registered confidential client (a service account);
// - accounts whose `groups` claim (Okta style) is put into their access tokens;
// - login and consent as small JSON/form routes, so a test drives them headless:
//     GET  /interaction/:uid          -> {"uid", "prompt", "details", "params"}
//     POST /interaction/:uid/login    form login=<account>&password=<password>  -> 303
//     POST /interaction/:uid/consent  form [scope=<space-separated subset>]      -> 303
//
// - with --token-format opaque, opaque access tokens instead, for a resource server that checks
//   them by introspection (RFC 7662) at /token/introspection as a pre-registered client.
//
// - with --registered-scope ignore, the `scope` a client sends at registration is dropped, so it
//   may later ask for any scope the provider knows. oidc-provider otherwise holds a client to
//   the scopes it registered with, and the TypeScript MCP SDK registers with the scope of the
//   first 401 challenge only (itglue.read): a later step-up to itglue.secrets.reveal would be
//   refused with invalid_scope. Registration scopes mean nothing at most IdPs' open DCR.
//
// Usage:
//   node tests/idp/provider.mjs [--port 0] [--host 127.0.0.1] [--token-format jwt|opaque]
//                               [--registered-scope enforce|ignore]
// Environment:
//   IDP_SERVICE_CLIENT_ID      client id of the service account (default itglue-automation)
//   IDP_SERVICE_CLIENT_SECRET  its secret (required for client_credentials; never printed)
//   IDP_INTROSPECTION_CLIENT_ID      client id of the resource server (default itglue-mcp)
//   IDP_INTROSPECTION_CLIENT_SECRET  its secret (required for introspection; never printed)
//   IDP_ACCESS_TOKEN_TTL       access-token lifetime in seconds (default 600)
// When listening it prints one JSON line to stdout:
//   {"issuer": "...", "jwks_uri": "...", "introspection_endpoint": "..."}.
// It stops on SIGTERM or SIGINT, or when its stdin closes (the test process went away).

import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

export const SCOPES = ['itglue.read', 'itglue.secrets.reveal', 'itglue.admin'];

// Test people of the MSP and of one client company. Passwords are test fixtures, not secrets.
export const ACCOUNTS = {
  alice: {
    password: 'alice-password',
    claims: { name: 'Alice Technician', email: 'alice@msp.example', groups: ['msp-technicians'] },
  },
  bob: {
    password: 'bob-password',
    claims: { name: 'Bob Helpdesk', email: 'bob@msp.example', groups: ['msp-helpdesk'] },
  },
  carol: {
    password: 'carol-password',
    claims: { name: 'Carol Acme', email: 'carol@acme.example', groups: ['client-acme'] },
  },
  dave: {
    password: 'dave-password',
    claims: { name: 'Dave Admin', email: 'dave@msp.example', groups: ['msp-admins'] },
  },
};

const SERVICE_GROUPS = ['msp-automation'];

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.IDP_PORT ?? '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'token-format': { type: 'string', default: 'jwt' },
    'registered-scope': { type: 'string', default: 'enforce' },
  },
});

const serviceClientId = process.env.IDP_SERVICE_CLIENT_ID || 'itglue-automation';
const serviceClientSecret = process.env.IDP_SERVICE_CLIENT_SECRET;
const introspectionClientId = process.env.IDP_INTROSPECTION_CLIENT_ID || 'itglue-mcp';
const introspectionClientSecret = process.env.IDP_INTROSPECTION_CLIENT_SECRET;
const tokenFormat = args['token-format'];
if (!['jwt', 'opaque'].includes(tokenFormat)) {
  throw new TypeError(`--token-format must be jwt or opaque, not ${tokenFormat}`);
}
if (!['enforce', 'ignore'].includes(args['registered-scope'])) {
  throw new TypeError(`--registered-scope must be enforce or ignore, not ${args['registered-scope']}`);
}
const accessTokenTTL = Number.parseInt(process.env.IDP_ACCESS_TOKEN_TTL ?? '600', 10);

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function isLoopbackResource(indicator) {
  const url = URL.parse(indicator);
  return (
    url !== null
    && (url.protocol === 'http:' || url.protocol === 'https:')
    && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  );
}

function configuration() {
  const clients = [];
  if (serviceClientSecret) {
    clients.push({
      client_id: serviceClientId,
      client_secret: serviceClientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: SCOPES.join(' '),
    });
  }
  if (introspectionClientSecret) {
    clients.push({
      client_id: introspectionClientId,
      client_secret: introspectionClientSecret,
      grant_types: [],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  }
  return {
    clients,
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access', ...SCOPES],
    responseTypes: ['code'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    async extraTokenClaims(_ctx, token) {
      if (token.accountId) {
        return { groups: ACCOUNTS[token.accountId]?.claims.groups ?? [] };
      }
      if (token.clientId === serviceClientId) {
        return { groups: SERVICE_GROUPS };
      }
      return undefined;
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator) {
          if (!isLoopbackResource(indicator)) {
            throw new Provider.errors.InvalidTarget('only loopback resource servers here');
          }
          return {
            scope: SCOPES.join(' '),
            audience: indicator,
            accessTokenTTL,
            accessTokenFormat: tokenFormat,
            ...(tokenFormat === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
          };
        },
      },
    },
    ttl: {
      AccessToken: accessTokenTTL,
      ClientCredentials: accessTokenTTL,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
      IdToken: 600,
      RefreshToken: 3600,
    },
  };
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function login(provider, req, res, details) {
  if (details.prompt.name !== 'login') {
    return sendJson(res, 400, { error: 'not_login', prompt: details.prompt.name });
  }
  const form = await readForm(req);
  const accountId = form.get('login') ?? '';
  const account = ACCOUNTS[accountId];
  if (!account || form.get('password') !== account.password) {
    return sendJson(res, 401, { error: 'invalid_login' });
  }
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId } },
    { mergeWithLastSubmission: false },
  );
}

async function consent(provider, req, res, details) {
  if (details.prompt.name !== 'consent') {
    return sendJson(res, 400, { error: 'not_consent', prompt: details.prompt.name });
  }
  const form = await readForm(req);
  const limit = form.has('scope') ? new Set(form.get('scope').split(' ').filter(Boolean)) : null;
  const allowed = (scope) => limit === null || !SCOPES.includes(scope) || limit.has(scope);
  const { grantId, session, params, prompt } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missingScope = prompt.details.missingOIDCScope ?? [];
  const granted = missingScope.filter(allowed);
  const rejected = missingScope.filter((scope) => !allowed(scope));
  if (granted.length) grant.addOIDCScope(granted.join(' '));
  if (rejected.length) grant.rejectOIDCScope(rejected.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    const yes = scopes.filter(allowed);
    const no = scopes.filter((scope) => !allowed(scope));
    if (yes.length) grant.addResourceScope(indicator, yes.join(' '));
    if (no.length) grant.rejectResourceScope(indicator, no.join(' '));
  }
  const savedGrantId = await grant.save();
  const result = { consent: grantId ? {} : { grantId: savedGrantId } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

async function interaction(provider, req, res, path) {
  const [, , uid, action] = path.split('/');
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    return sendJson(res, 400, { error: 'session_not_found', detail: error.message });
  }
  if (details.uid !== uid) {
    return sendJson(res, 400, { error: 'interaction_mismatch' });
  }
  if (req.method === 'GET' && action === undefined) {
    return sendJson(res, 200, {
      uid,
      prompt: details.prompt.name,
      details: details.prompt.details,
      params: details.params,
    });
  }
  if (req.method === 'POST' && action === 'login') return login(provider, req, res, details);
  if (req.method === 'POST' && action === 'consent') return consent(provider, req, res, details);
  return sendJson(res, 404, { error: 'not_found' });
}

// Registration without the client's `scope` (--registered-scope ignore): the body is read here
// and handed to oidc-provider already parsed (it accepts `req.body` when the stream is drained).
async function registerIgnoringScope(req, res, handle) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'not JSON' });
  }
  if (body !== null && typeof body === 'object') delete body.scope;
  req.body = body;
  return handle(req, res);
}

async function main() {
  let provider;
  let handle;
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://internal').pathname;
    const fail = (error) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', detail: error.message });
    };
    if (path.startsWith('/interaction/')) {
      interaction(provider, req, res, path).catch(fail);
      return;
    }
    if (path === '/reg' && req.method === 'POST' && args['registered-scope'] === 'ignore') {
      registerIgnoringScope(req, res, handle).catch(fail);
      return;
    }
    handle(req, res);
  });
  await new Promise((resolve) => {
    server.listen(Number.parseInt(args.port, 10), args.host, resolve);
  });
  const { port } = server.address();
  const host = args.host.includes(':') ? `[${args.host}]` : args.host;
  const issuer = `http://${host}:${port}`;
  provider = new Provider(issuer, configuration());
  // Errors a client provoked are answered by oidc-provider itself; print only the server's.
  provider.on('server_error', (_ctx, error) => console.error('server_error', error));
  handle = provider.callback();

  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();

  console.log(JSON.stringify({
    issuer,
    jwks_uri: `${issuer}/jwks`,
    introspection_endpoint: `${issuer}/token/introspection`,
  }));
}

await main();
