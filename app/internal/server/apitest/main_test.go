package apitest

import (
	"testing"

	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestMain stops the shared PostgreSQL cluster after the tests.
func TestMain(m *testing.M) { testenv.Main(m) }
