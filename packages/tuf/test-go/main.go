// Command tufcheck loads a TUF repository the way Sigstore's Go clients do and prints what each one saw, one JSON
// line per client: go-tuf v0.7 (sigstore/sigstore pkg/tuf: cosign v2's legacy path, Kyverno, policy-controller)
// and go-tuf v2 (sigstore-go: cosign v2.6+/v3).
//
// Usage: go run . <mirror URL> <trusted root.json> <target name>...
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	legacy "github.com/theupdateframework/go-tuf/client"
	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"
)

// report is what one client saw: the root version it ends on, each target's SHA-256, legacy usages by target.
type report struct {
	Client  string            `json:"client"`
	Root    int64             `json:"root"`
	Targets map[string]string `json:"targets"`
	Usage   map[string]string `json:"usage,omitempty"`
	Error   string            `json:"error,omitempty"`
}

type buffer struct{ bytes.Buffer }

func (*buffer) Delete() error { return nil }

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// goTufV07 follows sigstore/sigstore pkg/tuf/client.go: HTTPRemoteStore(mirror, nil, nil), Init(root), Update(),
// Download(name) and the `custom.sigstore.usage` of each target.
func goTufV07(mirror string, root []byte, names []string) (r report, err error) {
	r = report{Client: "go-tuf-v0.7", Targets: map[string]string{}, Usage: map[string]string{}}
	remote, err := legacy.HTTPRemoteStore(mirror, nil, nil)
	if err != nil {
		return r, err
	}
	local := legacy.MemoryLocalStore()
	c := legacy.NewClient(local, remote)
	if err := c.Init(root); err != nil {
		return r, fmt.Errorf("init: %w", err)
	}
	targets, err := c.Update()
	if err != nil {
		return r, fmt.Errorf("update: %w", err)
	}
	for name, meta := range targets {
		if meta.Custom == nil {
			continue
		}
		var custom struct {
			Sigstore struct {
				Usage string `json:"usage"`
			} `json:"sigstore"`
		}
		if err := json.Unmarshal(*meta.Custom, &custom); err == nil {
			r.Usage[name] = custom.Sigstore.Usage
		}
	}
	for _, name := range names {
		var dest buffer
		if err := c.Download(name, &dest); err != nil {
			return r, fmt.Errorf("download %s: %w", name, err)
		}
		r.Targets[name] = digest(dest.Bytes())
	}
	meta, err := local.GetMeta()
	if err != nil {
		return r, err
	}
	var signed struct {
		Signed struct {
			Version int64 `json:"version"`
		} `json:"signed"`
	}
	if err := json.Unmarshal(meta["root.json"], &signed); err != nil {
		return r, err
	}
	r.Root = signed.Signed.Version
	return r, nil
}

// goTufV2 follows sigstore-go pkg/tuf: config.New(mirror, root), targets below <mirror>/targets, hash-prefixed.
func goTufV2(mirror string, root []byte, names []string, dir string) (r report, err error) {
	r = report{Client: "go-tuf-v2", Targets: map[string]string{}}
	cfg, err := config.New(mirror, root)
	if err != nil {
		return r, err
	}
	cfg.LocalMetadataDir = dir
	cfg.LocalTargetsDir = dir
	up, err := updater.New(cfg)
	if err != nil {
		return r, fmt.Errorf("new: %w", err)
	}
	if err := up.Refresh(); err != nil {
		return r, fmt.Errorf("refresh: %w", err)
	}
	for _, name := range names {
		info, err := up.GetTargetInfo(name)
		if err != nil {
			return r, fmt.Errorf("target %s: %w", name, err)
		}
		_, data, err := up.DownloadTarget(info, "", "")
		if err != nil {
			return r, fmt.Errorf("download %s: %w", name, err)
		}
		r.Targets[name] = digest(data)
	}
	var trusted *metadata.Metadata[metadata.RootType] = up.GetTrustedMetadataSet().Root
	r.Root = trusted.Signed.Version
	return r, nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: tufcheck <mirror> <root.json> <target>...")
		os.Exit(2)
	}
	mirror, names := os.Args[1], os.Args[3:]
	root, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "tufcheck-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer os.RemoveAll(dir)
	out := json.NewEncoder(os.Stdout)
	v07, err := goTufV07(mirror, root, names)
	if err != nil {
		v07.Error = err.Error()
	}
	v2, err := goTufV2(mirror, root, names, dir)
	if err != nil {
		v2.Error = err.Error()
	}
	_ = out.Encode(v07)
	_ = out.Encode(v2)
}
