// tuf-seed writes $TUF_ROOT in the layout Kyverno's CLI reads its Sigstore trust from (sigstore/sigstore pkg/tuf at
// the version Kyverno v1.19.1 builds with): remote.json naming the mirror, tuf.db holding the given initial root and
// the metadata and targets fetched from the mirror. Kyverno's controllers do this with --tufMirror/--tufRoot
// (kyverno v1.19.1 cmd/internal/tuf.go → pkg/sigstoretuf.Initialize → tuf.Initialize); the CLI has no such flag,
// and `cosign initialize` seeds this layout only for mirrors without trusted_root.json (cosign v3.1.3
// cmd/cosign/cli/initialize/init.go), which Sigbox's mirror has. It lives in this wrapper so that tuf.db is written
// by the same sigstore/sigstore (and go-tuf) that Kyverno reads it with.
//
// Usage: TUF_ROOT=DIR tuf-seed -mirror URL -root 1.root.json
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/sigstore/sigstore/pkg/tuf"
)

func main() {
	mirror := flag.String("mirror", "", "TUF repository URL (http, https or file://)")
	rootPath := flag.String("root", "", "initial trusted root.json of that repository")
	flag.Parse()
	if *mirror == "" || *rootPath == "" || os.Getenv(tuf.TufRootEnv) == "" {
		fmt.Fprintln(os.Stderr, "usage: TUF_ROOT=DIR tuf-seed -mirror URL -root ROOT.json")
		os.Exit(2)
	}
	root, err := os.ReadFile(*rootPath)
	if err == nil {
		err = os.MkdirAll(os.Getenv(tuf.TufRootEnv), 0o700)
	}
	if err == nil {
		err = tuf.Initialize(context.Background(), *mirror, root)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuf-seed:", err)
		os.Exit(1)
	}
}
