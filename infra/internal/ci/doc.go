// Package ci holds the tests of the infrastructure's GitHub Actions
// workflows (.github/workflows/preview.yml and deploy.yml): they pass
// actionlint and keep the properties the deploy process relies on.
package ci
