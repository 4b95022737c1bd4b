package httpapi

// StatusOf exposes the error mapper to the external registry test
// (errors_registry_test.go), which imports packages that import httpapi.
func StatusOf(err error) (int, string) {
	status, env := statusOf(err, "users")
	return status, env.Errors[0].Message
}
