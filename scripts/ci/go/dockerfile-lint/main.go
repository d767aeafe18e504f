// dockerfile-lint runs the checks that `docker build --check` runs (BuildKit's Dockerfile linter) on
// each Dockerfile named on the command line, without a daemon or a registry. Base images are not
// looked up: a stand-in answers every look-up with an empty linux image of the build platform, so
// only the checks that depend on a base image's real contents cannot fire. Build arguments are
// passed as NAME=VALUE after --build-arg. Exits 1 when any file has a warning or an error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
)

type offlineResolver struct{}

// ResolveImageConfig answers without a registry: the same reference, and the config of an empty
// linux image for the requested platform.
func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	arch, variant := runtime.GOARCH, ""
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		arch, variant = opt.ImageOpt.Platform.Architecture, opt.ImageOpt.Platform.Variant
	}
	config, err := json.Marshal(map[string]any{
		"architecture": arch,
		"variant":      variant,
		"os":           "linux",
		"config":       map[string]any{"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + strings.Repeat("0", 64)}},
	})
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.FromBytes(config), config, nil
}

type buildArgs map[string]string

func (b buildArgs) String() string { return fmt.Sprint(map[string]string(b)) }
func (b buildArgs) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("--build-arg %q: want NAME=VALUE", v)
	}
	b[name] = value
	return nil
}

func main() {
	args := buildArgs{}
	flag.Var(args, "build-arg", "NAME=VALUE passed to the Dockerfile (repeatable)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: dockerfile-lint [--build-arg NAME=VALUE]... Dockerfile...")
		os.Exit(2)
	}
	failed := false
	for _, file := range flag.Args() {
		problems, err := lint(file, args)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		if len(problems) == 0 {
			fmt.Printf("%s: no warnings\n", file)
			continue
		}
		failed = true
		for _, p := range problems {
			fmt.Println(p)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func lint(file string, args buildArgs) ([]string, error) {
	dt, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	// The results name their source by a definition, as a frontend's do; an empty one serves.
	source := llb.Scratch()
	sourceMap := llb.NewSourceMap(&source, file, "Dockerfile", dt)
	if sourceMap.Definition, err = source.Marshal(ctx); err != nil {
		return nil, err
	}
	results, err := dockerfile2llb.DockerfileLint(ctx, dt, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildArgs: args},
		SourceMap:    sourceMap,
		MetaResolver: offlineResolver{},
	})
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, w := range results.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		problems = append(problems, fmt.Sprintf("%s:%d: %s: %s (%s)", file, line, w.RuleName, w.Detail, w.URL))
	}
	if results.Error != nil {
		line := 0
		if len(results.Error.Location.Ranges) > 0 {
			line = int(results.Error.Location.Ranges[0].Start.Line)
		}
		problems = append(problems, fmt.Sprintf("%s:%d: error: %s", file, line, results.Error.Message))
	}
	return problems, nil
}
