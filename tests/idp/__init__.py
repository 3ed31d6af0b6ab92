"""Node.js parts of the auth tests (a real OIDC provider, the TypeScript MCP client) and the
Python side that drives them."""
