package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the passerelle command built once for the end-to-end tests, so
// that they run the real program as a separate process: signals, exit codes
// and the data folder lock are those a user meets.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "passerelle-e2e-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "passerelle")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build passerelle:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running passerelle process and what it logged.
type proc struct {
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	logs bytes.Buffer
	done chan error
}

var listening = regexp.MustCompile(`"msg":"http server listening","addr":"([^"]+)"`)

// startServer runs `passerelle serve` on a free port with dataDir and waits
// until it listens.
func startServer(t *testing.T, dataDir string, extraEnv ...string) *proc {
	t.Helper()
	p, addrc := launch(t, dataDir, extraEnv...)
	select {
	case addr := <-addrc:
		p.base = "http://" + addr
		return p
	case err := <-p.done:
		t.Fatalf("server exited before listening: %v\n%s", err, p.output())
	case <-time.After(90 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("server did not listen within 90 s\n%s", p.output())
	}
	return nil
}

func launch(t *testing.T, dataDir string, extraEnv ...string) (*proc, chan string) {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"PASSERELLE_ADDR=127.0.0.1:0",
		"PASSERELLE_DATA_DIR=" + dataDir,
		"PASSERELLE_DEBUG_ROUTES=true",
		"PASSERELLE_BODY_LIMIT=64KiB",
	}, extraEnv...)
	p := &proc{cmd: cmd, done: make(chan error, 1)}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &lockedWriter{p: p}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				addrc <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p, addrc
}

type lockedWriter struct{ p *proc }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.logs.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

func (p *proc) get(t *testing.T, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestServeEndToEnd(t *testing.T) {
	p := startServer(t, t.TempDir())

	t.Run("healthz", func(t *testing.T) {
		res, body := p.get(t, "/healthz")
		if res.StatusCode != 200 || !strings.Contains(body, `"ok"`) {
			t.Fatalf("GET /healthz = %d %s", res.StatusCode, body)
		}
	})
	t.Run("readyz", func(t *testing.T) {
		res, body := p.get(t, "/readyz")
		if res.StatusCode != 200 || !strings.Contains(body, `"store":"up"`) {
			t.Fatalf("GET /readyz = %d %s", res.StatusCode, body)
		}
	})
	t.Run("home in French by default", func(t *testing.T) {
		res, body := p.get(t, "/")
		if res.StatusCode != 200 || !strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Se reconvertir dans le numérique") {
			t.Fatalf("GET / = %d, body lacks the French page:\n%.400s", res.StatusCode, body)
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Error("no X-Request-ID header")
		}
	})
	t.Run("home in English", func(t *testing.T) {
		res, body := p.get(t, "/?lang=en")
		if res.StatusCode != 200 || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Retrain into a digital job") {
			t.Fatalf("GET /?lang=en = %d, body lacks the English page:\n%.400s", res.StatusCode, body)
		}
		_, body = p.get(t, "/", "Accept-Language", "en-GB,en;q=0.8")
		if !strings.Contains(body, `<html lang="en">`) {
			t.Error("Accept-Language: en did not select English")
		}
	})
	t.Run("unknown API path is a problem+json 404", func(t *testing.T) {
		res, body := p.get(t, "/api/v1/does-not-exist")
		assertProblem(t, res, body, 404, "not_found")
	})
	t.Run("unknown page is an HTML 404", func(t *testing.T) {
		res, body := p.get(t, "/no-such-page")
		if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "Page introuvable") {
			t.Fatalf("GET /no-such-page = %d %s\n%.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	})
	t.Run("a panic answers 500 and the process stays up", func(t *testing.T) {
		res, body := p.get(t, "/debug/panic")
		if res.StatusCode != 500 || strings.Contains(body, "debug panic requested") {
			t.Fatalf("GET /debug/panic = %d, body must not leak the panic: %.300s", res.StatusCode, body)
		}
		if res, _ := p.get(t, "/healthz"); res.StatusCode != 200 {
			t.Fatalf("after a panic, /healthz = %d", res.StatusCode)
		}
		if !strings.Contains(p.output(), `"msg":"panic in handler"`) {
			t.Error("the panic was not logged")
		}
	})
	t.Run("too large a body is 413", func(t *testing.T) {
		// The server answers from the headers, before the body is sent; a
		// client that insisted on writing 200 KiB would see the connection
		// close under it, so the request goes out by hand.
		conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 200<<10)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		assertProblem(t, res, string(body), 413, "too_large")
	})
	t.Run("healthcheck command", func(t *testing.T) {
		cmd := exec.Command(binary, "healthcheck")
		cmd.Env = []string{"PASSERELLE_ADDR=" + strings.TrimPrefix(p.base, "http://")}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("healthcheck against a ready server: %v %s", err, out)
		}
		cmd = exec.Command(binary, "healthcheck")
		cmd.Env = []string{"PASSERELLE_ADDR=127.0.0.1:1"}
		if err := cmd.Run(); err == nil {
			t.Fatal("healthcheck against nothing succeeded")
		}
	})
	t.Run("SIGTERM lets an in-flight request finish", func(t *testing.T) {
		type result struct {
			status int
			body   string
			err    error
		}
		resc := make(chan result, 1)
		go func() {
			res, err := http.Get(p.base + "/debug/slow?ms=2000")
			if err != nil {
				resc <- result{err: err}
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			resc <- result{status: res.StatusCode, body: string(b)}
		}()
		time.Sleep(500 * time.Millisecond) // let the request reach the handler
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		r := <-resc
		if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"slept_ms":2000`) {
			t.Fatalf("slow request during shutdown: status %d err %v body %s", r.status, r.err, r.body)
		}
		select {
		case err := <-p.done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v\n%s", err, p.output())
			}
		case <-time.After(15 * time.Second):
			t.Fatal("process still running 15 s after SIGTERM")
		}
	})
}

func assertProblem(t *testing.T, res *http.Response, body string, status int, code string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var pb struct {
		Type, Title, Detail, Code string
		Status                    int
	}
	if err := json.Unmarshal([]byte(body), &pb); err != nil {
		t.Fatalf("problem body is not JSON: %v: %s", err, body)
	}
	if pb.Status != status || pb.Code != code || pb.Title == "" || pb.Detail == "" || pb.Type == "" {
		t.Fatalf("problem = %+v, want status %d code %s with type, title and detail", pb, status, code)
	}
}

// TestSecondServerRefusesDataFolder: two processes on one embedded store lose
// data, so the second must stop with a clear message and harm nothing.
func TestSecondServerRefusesDataFolder(t *testing.T) {
	dir := t.TempDir()
	first := startServer(t, dir)
	second, _ := launch(t, dir)
	select {
	case err := <-second.done:
		if err == nil {
			t.Fatal("second server exited 0, want an error")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("second server is still running on a locked data folder")
	}
	if out := second.output(); !strings.Contains(out, "used by another Passerelle process") {
		t.Fatalf("second server's message does not say why:\n%s", out)
	}
	if res, body := first.get(t, "/readyz"); res.StatusCode != 200 {
		t.Fatalf("first server after the refused start: /readyz = %d %s", res.StatusCode, body)
	}
}
