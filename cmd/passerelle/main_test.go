package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"bad env", map[string]string{"PASSERELLE_ENV": "prod"}, []string{"PASSERELLE_ENV", "development, test, production"}},
		{"bad duration", map[string]string{"PASSERELLE_DB_TIMEOUT": "soon"}, []string{"PASSERELLE_DB_TIMEOUT", "duration"}},
		{"bad uri", map[string]string{"PASSERELLE_MONGO_URI": "postgres://x"}, []string{"PASSERELLE_MONGO_URI", "mongodb://"}},
		{"production without key", map[string]string{"PASSERELLE_ENV": "production", "PASSERELLE_MONGO_URI": "mongodb://db"}, []string{"PASSERELLE_JWT_KEY", "32"}},
		{"short key", map[string]string{"PASSERELLE_JWT_KEY": "short"}, []string{"PASSERELLE_JWT_KEY", "32 bytes"}},
		{"two problems at once", map[string]string{"PASSERELLE_LOG_LEVEL": "loud", "PASSERELLE_BODY_LIMIT": "huge"}, []string{"PASSERELLE_LOG_LEVEL", "PASSERELLE_BODY_LIMIT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{"migrate"}, func(k string) string { return tt.env[k] }, &out, &errb)
			if err == nil {
				t.Fatal("run succeeded with a bad configuration")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(out.String(), "migration applied") {
				t.Error("run touched the store despite a bad configuration")
			}
		})
	}
}

func TestRunUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "frobnicate") || !strings.Contains(errb.String(), "usage") {
		t.Fatalf("run(frobnicate) = %v, stderr %q", err, errb.String())
	}
}

func TestRunMigrateTwice(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PASSERELLE_DATA_DIR": dir}
	for i, want := range []string{fmt.Sprintf(`"applied":%d`, len(schema())), `"applied":0`} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"migrate"}, func(k string) string { return env[k] }, &out, &errb); err != nil {
			t.Fatalf("migrate #%d: %v", i+1, err)
		}
		if !strings.Contains(out.String(), want) {
			t.Fatalf("migrate #%d log lacks %s:\n%s", i+1, want, out.String())
		}
	}
}

func TestCreateAdmin(t *testing.T) {
	env := map[string]string{"PASSERELLE_DATA_DIR": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	args := []string{"create-admin", "-email", "root@passerelle.test", "-name", "Root"}
	var out, errb bytes.Buffer
	if err := runWithInput(context.Background(), args, getenv, strings.NewReader("une phrase de passe solide\n"), &out, &errb); err != nil {
		t.Fatalf("create-admin: %v", err)
	}
	if !strings.Contains(out.String(), "Administrator root@passerelle.test created") {
		t.Fatalf("output: %s", out.String())
	}
	err := runWithInput(context.Background(), args, getenv, strings.NewReader("une phrase de passe solide\n"), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "create admin") {
		t.Fatalf("second create-admin with the same e-mail: %v", err)
	}
	err = runWithInput(context.Background(), []string{"create-admin", "-email", "x@passerelle.test", "-name", "X"}, getenv, strings.NewReader("court\n"), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("a short password: %v", err)
	}
}

func TestImportCommands(t *testing.T) {
	env := map[string]string{"PASSERELLE_DATA_DIR": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	runCmd := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, getenv, &out, &errb)
		return out.String(), err
	}
	out, err := runCmd("import", "rome", "../../internal/skill/testdata/rome-mini")
	if err != nil || !strings.Contains(out, "Changes:") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	out, err = runCmd("import", "rome", "../../internal/skill/testdata/rome-mini")
	if err != nil || !strings.Contains(out, "Nothing changed") {
		t.Fatalf("second import of the same release: %v\n%s", err, out)
	}
	bad, _ := filepath.Glob("../../internal/skill/testdata/rome-bad/*")
	if len(bad) == 0 {
		t.Fatal("no malformed fixtures")
	}
	if _, err := runCmd("import", "rome", bad[0]); err == nil || !strings.Contains(err.Error(), ".csv") {
		t.Fatalf("malformed release %s: %v, want an error naming the file", bad[0], err)
	}
	out, err = runCmd("import", "communes", "../../internal/place/testdata/reduced.csv")
	if err != nil || !strings.Contains(out, "communes") {
		t.Fatalf("communes import: %v\n%s", err, out)
	}
	// The commands start on the imported references.
	var logs, errb bytes.Buffer
	admin := []string{"create-admin", "-email", "a@passerelle.test", "-name", "A"}
	if err := runWithInput(context.Background(), admin, getenv, strings.NewReader("une phrase de passe solide\n"), &logs, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"taxonomy: imported ROME release", "communes: imported directory"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("after the imports, start-up does not say %q", want)
		}
	}
	if _, err := runCmd("import", "nothing", "x"); err == nil {
		t.Fatal("import of an unknown kind succeeded")
	}
}

func TestSeedCommand(t *testing.T) {
	env := map[string]string{"PASSERELLE_DATA_DIR": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"seed"}, getenv, &out, &errb); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if !strings.Contains(out.String(), "admin@passerelle.test") || !strings.Contains(out.String(), "passerelle-demo-2026") {
		t.Fatalf("seed does not print the demo logins:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"seed"}, getenv, &out, &errb); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if !strings.Contains(out.String(), "already") {
		t.Fatalf("second seed does not say the world is there:\n%s", out.String())
	}
	env["PASSERELLE_ENV"], env["PASSERELLE_JWT_KEY"] = "production", strings.Repeat("k", 40)
	env["PASSERELLE_SEED"] = "true"
	if err := run(context.Background(), []string{"migrate"}, getenv, &out, &errb); err == nil || !strings.Contains(err.Error(), "PASSERELLE_SEED") {
		t.Fatalf("PASSERELLE_SEED in production: %v", err)
	}
}

func TestTrustedProxiesConfig(t *testing.T) {
	var out, errb bytes.Buffer
	env := map[string]string{"PASSERELLE_TRUSTED_PROXIES": "10.1.2.3/8"}
	err := run(context.Background(), []string{"migrate"}, func(k string) string { return env[k] }, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "PASSERELLE_TRUSTED_PROXIES") {
		t.Fatalf("a prefix with host bits set: %v", err)
	}
}
