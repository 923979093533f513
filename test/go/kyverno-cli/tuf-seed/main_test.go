package main

// Seeds a TUF_ROOT from a real go-tuf v0 repository served over HTTP, then reads trusted_root.json back in a new
// process the way Kyverno's CLI does (kyverno v1.19.1 pkg/sigstoretuf TrustedRoot: tuf.NewFromEnv + GetTarget),
// and shows why the seeding is needed: remote.json alone leaves the reader on the embedded public-good root. The
// test binary re-executes itself for each role, since pkg/tuf keeps a process-wide singleton.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigstore/sigstore/pkg/tuf"
	gotuf "github.com/theupdateframework/go-tuf"
)

const roleEnv = "TUF_SEED_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "seed":
		main()
		os.Exit(0)
	case "read":
		t, err := tuf.NewFromEnv(context.Background())
		if err == nil {
			var b []byte
			if b, err = t.GetTarget("trusted_root.json"); err == nil {
				fmt.Print(string(b))
				os.Exit(0)
			}
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// repository makes a signed go-tuf v0 repository with one target and returns its directory and initial root.json.
func repository(t *testing.T, target string) (string, []byte) {
	dir := t.TempDir()
	store := gotuf.FileSystemStore(dir, nil)
	repo, err := gotuf.NewRepo(store)
	must(t, err)
	must(t, repo.Init(false))
	for _, role := range []string{"root", "targets", "snapshot", "timestamp"} {
		_, err := repo.GenKey(role)
		must(t, err)
	}
	must(t, os.MkdirAll(filepath.Join(dir, "staged", "targets"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "staged", "targets", "trusted_root.json"), []byte(target), 0o600))
	must(t, repo.AddTarget("trusted_root.json", nil))
	must(t, repo.Snapshot())
	must(t, repo.Timestamp())
	must(t, repo.Commit())
	meta, err := store.GetMeta()
	must(t, err)
	return filepath.Join(dir, "repository"), meta["root.json"]
}

func run(t *testing.T, tufRoot, role string, args ...string) (string, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), roleEnv+"="+role, "TUF_ROOT="+tufRoot)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%w: %s", err, errOut.String())
	}
	return out.String(), nil
}

func TestSeededRootIsWhatKyvernoReads(t *testing.T) {
	const target = `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`
	repoDir, root := repository(t, target)
	mirror := httptest.NewServer(http.FileServer(http.Dir(repoDir)))
	defer mirror.Close()
	rootFile := filepath.Join(t.TempDir(), "1.root.json")
	must(t, os.WriteFile(rootFile, root, 0o600))

	seeded := filepath.Join(t.TempDir(), "tuf")
	if _, err := run(t, seeded, "seed", "-mirror", mirror.URL, "-root", rootFile); err != nil {
		t.Fatalf("seed: %v", err)
	}
	for _, name := range []string{"remote.json", "tuf.db"} {
		if _, err := os.Stat(filepath.Join(seeded, name)); err != nil {
			t.Errorf("seeded TUF_ROOT has no %s: %v", name, err)
		}
	}
	got, err := run(t, seeded, "read")
	if err != nil || got != target {
		t.Fatalf("read after seeding = %q, %v; want %q", got, err, target)
	}

	// remote.json alone (what `cosign initialize` leaves for a mirror with trusted_root.json): the reader starts
	// from the root embedded in sigstore/sigstore (public good's, expired at v1.10.9) and never trusts this mirror.
	bare := t.TempDir()
	must(t, os.WriteFile(filepath.Join(bare, "remote.json"), []byte(`{"mirror":"`+mirror.URL+`"}`), 0o600))
	got, err = run(t, bare, "read")
	if err == nil {
		t.Fatalf("read with remote.json only succeeded: %q", got)
	}
	t.Logf("remote.json only: %v", err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
