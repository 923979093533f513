// rekor-v2-check: what the Go clients compute from a Rekor v2 answer, for test/rekor-v2-go.test.ts.
//
// Reads one JSON request on stdin: {"vkey": <note verifier key>, "checkpoint": <signed note>, "entries":
// [{"digest": <std base64>, "signature": <protojson dev.sigstore.rekor.v2.Signature>}]} and writes
// {"origin", "size", "leafHashes": [<hex>]}: the checkpoint opened with golang.org/x/mod/sumdb/note (as sigstore-go
// and the witnesses do) and each entry's leaf hash rebuilt by rekor-tiles pkg/types/hashedrekord.ToEntryHash (the
// reconstruction sigstore-go performs from a bundle). Exits non-zero with the error on stderr.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	pb "github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf"
	"github.com/sigstore/rekor-tiles/v2/pkg/types/hashedrekord"
	"golang.org/x/mod/sumdb/note"
	"google.golang.org/protobuf/encoding/protojson"
)

type entry struct {
	Digest    string          `json:"digest"`
	Signature json.RawMessage `json:"signature"`
}

type request struct {
	Vkey       string  `json:"vkey"`
	Checkpoint string  `json:"checkpoint"`
	Entries    []entry `json:"entries"`
}

type response struct {
	Origin     string   `json:"origin"`
	Size       uint64   `json:"size"`
	LeafHashes []string `json:"leafHashes"`
}

func run() error {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return fmt.Errorf("reading request: %w", err)
	}
	verifier, err := note.NewVerifier(req.Vkey)
	if err != nil {
		return fmt.Errorf("vkey: %w", err)
	}
	n, err := note.Open([]byte(req.Checkpoint), note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("opening checkpoint: %w", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return fmt.Errorf("checkpoint text has %d lines", len(lines))
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil {
		return fmt.Errorf("checkpoint size: %w", err)
	}
	out := response{Origin: lines[0], Size: size, LeafHashes: []string{}}
	for i, e := range req.Entries {
		digest, err := base64.StdEncoding.DecodeString(e.Digest)
		if err != nil {
			return fmt.Errorf("entry %d digest: %w", i, err)
		}
		var sig pb.Signature
		if err := protojson.Unmarshal(e.Signature, &sig); err != nil {
			return fmt.Errorf("entry %d signature: %w", i, err)
		}
		hash, err := hashedrekord.ToEntryHash(digest, &sig)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		out.LeafHashes = append(out.LeafHashes, hex.EncodeToString(hash))
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
