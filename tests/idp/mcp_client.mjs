// The official TypeScript MCP client (@modelcontextprotocol/sdk) logging in through OAuth.
//
// Connects to an MCP server over Streamable HTTP with an OAuthClientProvider. The server's 401
// names its protected-resource metadata (RFC 9728); the SDK discovers the authorization server
// from it, registers a client dynamically (RFC 7591) and builds the authorization request
// (PKCE S256, resource indicator = the metadata's `resource`, RFC 8707). Where a browser would
// open, this script logs the user in and consents at tests/idp/provider.mjs's interaction
// routes with fetch, reads the code off the redirect, hands it to the SDK (finishAuth), then
// connects again, lists the tools and calls one. When the call needs more scopes than the token
// has, the server answers 403 insufficient_scope; the SDK asks for them in a new authorization
// request (step-up), the script consents again, and the call is retried once.
//
// Usage:
//   node tests/idp/mcp_client.mjs --url http://127.0.0.1:8123/mcp --user alice \
//        --tool list_organizations --arguments '{"name_contains": "north"}'
// Prints one JSON object to stdout:
//   {"authorization": {...what the flow saw, no tokens...}, "tools": [names...],
//    "result": {"isError", "content", "structuredContent"}}
// or, when something fails, {"error": "..."} with exit code 1. Tokens are never printed.

import { parseArgs } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const REDIRECT_URL = 'http://127.0.0.1:8977/callback';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    user: { type: 'string', default: 'alice' },
    password: { type: 'string' },
    tool: { type: 'string' },
    arguments: { type: 'string', default: '{}' },
  },
});

// Cookies of one user agent, by name and path (RFC 6265 in the small: host-only, no expiry
// beyond deletion), enough for the provider's interaction and session cookies.
class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attributeValue = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = attributeValue || '/';
        if (key.toLowerCase() === 'expires' && Date.parse(attributeValue) < Date.now()) {
          expired = true;
        }
        if (key.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter(({ path }) => pathname === path || pathname.startsWith(path.endsWith('/') ? path : `${path}/`))
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }
}

// What a person does in the browser: log in, consent, land on the redirect URI.
async function loginAndConsent(authorizationUrl, user, password, seen) {
  const jar = new CookieJar();
  const request = async (url, init = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: jar.header(url) },
    });
    jar.store(response);
    return response;
  };
  let response = await request(authorizationUrl);
  for (let hop = 0; hop < 10; hop += 1) {
    if (![302, 303].includes(response.status)) {
      throw new Error(`authorization stopped with HTTP ${response.status}: ${await response.text()}`);
    }
    const location = new URL(response.headers.get('location'), response.url || authorizationUrl);
    if (location.href.startsWith(REDIRECT_URL)) {
      const error = location.searchParams.get('error');
      if (error) throw new Error(`authorization refused: ${error}`);
      seen.issuerInRedirect = location.searchParams.get('iss');
      return location.searchParams.get('code');
    }
    if (!location.pathname.startsWith('/interaction/')) {
      response = await request(location.href);
      continue;
    }
    const { prompt } = await (await request(location.href)).json();
    seen.prompts.push(prompt);
    const form = prompt === 'login' ? { login: user, password } : {};
    response = await request(`${location.href}/${prompt}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (response.status === 401) throw new Error(`${prompt} refused`);
  }
  throw new Error('authorization did not finish within 10 redirects');
}

// An OAuthClientProvider holding its state in memory, for one run.
class HeadlessOAuthProvider {
  #client;
  #tokens;
  #verifier;
  #discovery;
  code;

  constructor(user, password, seen) {
    this.user = user;
    this.password = password;
    this.seen = seen;
  }

  get redirectUrl() {
    return REDIRECT_URL;
  }

  get clientMetadata() {
    return {
      client_name: 'itglue-mcp TypeScript SDK test',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.#client;
  }

  saveClientInformation(information) {
    this.#client = information;
    this.seen.registeredClient = true;
  }

  tokens() {
    return this.#tokens;
  }

  saveTokens(tokens) {
    this.#tokens = tokens;
    this.seen.tokenScopes.push(tokens.scope ?? null);
    this.seen.tokenType = tokens.token_type;
  }

  saveCodeVerifier(verifier) {
    this.#verifier = verifier;
  }

  codeVerifier() {
    return this.#verifier;
  }

  saveDiscoveryState(state) {
    this.#discovery = state;
    this.seen.authorizationServer = state.authorizationServerUrl;
    this.seen.resource = state.resourceMetadata?.resource ?? null;
  }

  discoveryState() {
    return this.#discovery;
  }

  async redirectToAuthorization(authorizationUrl) {
    const params = authorizationUrl.searchParams;
    this.seen.authorizationRequests.push({
      endpoint: `${authorizationUrl.origin}${authorizationUrl.pathname}`,
      resource: params.get('resource'),
      scope: params.get('scope'),
      code_challenge_method: params.get('code_challenge_method'),
    });
    this.code = await loginAndConsent(authorizationUrl.href, this.user, this.password, this.seen);
  }
}

async function main() {
  const url = new URL(args.url);
  const seen = {
    prompts: [], authorizationRequests: [], tokenScopes: [], firstConnect: null, stepUp: false,
  };
  const provider = new HeadlessOAuthProvider(args.user, args.password ?? `${args.user}-password`, seen);
  const client = new Client({ name: 'itglue-mcp-ts-test', version: '1.0.0' });

  let transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  try {
    await client.connect(transport);
    seen.firstConnect = 'connected';
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    seen.firstConnect = 'unauthorized';
    transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await transport.finishAuth(provider.code);
    await client.connect(transport);
  }
  try {
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    let result = null;
    if (args.tool) {
      const params = { name: args.tool, arguments: JSON.parse(args.arguments) };
      let called;
      try {
        called = await client.callTool(params);
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        seen.stepUp = true; // 403 insufficient_scope: the SDK asked for more, the user consented
        await transport.finishAuth(provider.code);
        called = await client.callTool(params);
      }
      result = {
        isError: called.isError ?? false,
        content: called.content,
        structuredContent: called.structuredContent ?? null,
      };
    }
    console.log(JSON.stringify({ authorization: seen, tools, result }));
  } finally {
    await client.close();
  }
}

try {
  await main();
} catch (error) {
  console.log(JSON.stringify({ error: `${error.name}: ${error.message}` }));
  process.exitCode = 1;
}
