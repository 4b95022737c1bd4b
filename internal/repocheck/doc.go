// Package repocheck holds repository-level tests only: Go package
// boundaries (go list), docker-compose.yml against the env contract, and the
// README's test command against .ci/run and CI. It has no code of its own.
package repocheck
