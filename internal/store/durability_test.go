package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"passerelle/internal/store"
)

const childEnv = "PASSERELLE_TEST_DURABILITY_DIR"

// TestSIGKILLKeepsAcknowledgedWrites runs a writer in a child process, kills
// it with SIGKILL mid-stream, reopens the folder and finds every document the
// child saw acknowledged.
func TestSIGKILLKeepsAcknowledgedWrites(t *testing.T) {
	if os.Getenv("PASSERELLE_TEST_MONGO_URI") != "" {
		t.Skip("durability of the embedded store only")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurabilityChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 300 {
		if id, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, id)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < 300 {
		t.Fatalf("child acknowledged only %d writes before it stopped", len(acked))
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := store.Open(ctx, store.Options{DataDir: dir, Database: "durability"})
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer s.Close(ctx)
	coll := s.DB.Collection("docs")
	for _, id := range acked {
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err(); err != nil {
			t.Errorf("acknowledged document %s lost: %v", id, err)
		}
	}
	n, _ := coll.CountDocuments(ctx, bson.D{})
	t.Logf("%d acknowledged before SIGKILL, %d found after restart", len(acked), n)
}

// TestDurabilityChild is the writer of the test above; it only runs in the child.
func TestDurabilityChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestSIGKILLKeepsAcknowledgedWrites")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: dir, Database: "durability"})
	if err != nil {
		t.Fatal(err)
	}
	coll := s.DB.Collection("docs")
	for i := 0; ; i++ {
		id := fmt.Sprintf("doc-%06d", i)
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "n", Value: i}}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("ack %s\n", id)
	}
}
