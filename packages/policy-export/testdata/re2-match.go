// Reads [{"re": "...", "inputs": ["..."]}] on stdin and prints, for each, whether Go's regexp (RE2) compiles the
// expression and which inputs it matches: the reference the ECMAScript→RE2 translator is tested against.
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type item struct {
	Re     string   `json:"re"`
	Inputs []string `json:"inputs"`
}

type result struct {
	Error   string `json:"error,omitempty"`
	Matches []bool `json:"matches"`
}

func main() {
	var items []item
	if err := json.NewDecoder(os.Stdin).Decode(&items); err != nil {
		panic(err)
	}
	out := make([]result, len(items))
	for i, it := range items {
		re, err := regexp.Compile(it.Re)
		if err != nil {
			out[i] = result{Error: err.Error(), Matches: []bool{}}
			continue
		}
		out[i].Matches = make([]bool, len(it.Inputs))
		for j, in := range it.Inputs {
			out[i].Matches[j] = re.MatchString(in)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
