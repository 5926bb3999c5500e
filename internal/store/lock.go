package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dirLock is an exclusive advisory lock on a data folder. Two processes on one
// embedded store folder lose data (STORE.md), so the second one must refuse to
// start before it opens anything. The kernel drops the lock when the process
// dies, even by SIGKILL, so a crash never leaves the folder locked.
type dirLock struct {
	f *os.File
}

// ErrLocked is returned when another process holds the data folder.
var ErrLocked = errors.New("data folder in use")

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "passerelle.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		pid := strings.TrimSpace(string(holder))
		if pid == "" {
			pid = "unknown"
		}
		return nil, fmt.Errorf("%w: %s is used by another Passerelle process (pid %s); stop it or set PASSERELLE_DATA_DIR to another folder", ErrLocked, dir, pid)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}
