// Package oauth gets the access token a site sends with XOAUTH2 and reads
// its claims. Token asks the Microsoft identity platform (or the spec's
// token_url) for an app-only token with the OAuth 2.0 client credentials
// grant (golang.org/x/oauth2/clientcredentials); Inspect decodes a
// token's claims without verifying its signature, so that the probe can
// say what Exchange Online will object to before it sends AUTH.
//
// It does not verify signatures (only the resource server, Exchange
// Online, can), cache or refresh tokens, or run interactive (delegated)
// sign-ins: a delegated token is given to the spec by env(). Tokens and
// client secrets are never logged or put in an error.
package oauth
