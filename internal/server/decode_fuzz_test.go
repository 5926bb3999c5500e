package server

import (
	"errors"
	"testing"

	"passerelle"
)

// FuzzDecodeRequest feeds arbitrary bodies to the strict decoder and the
// validator: whatever arrives, the answer is a field-level EINVALID error or
// a valid request, never a panic and never another kind of error. The seed
// corpus is committed under testdata/fuzz; CI fuzzes briefly (make fuzz).
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@b.fr","password":"une-longue-phrase","name":"A","company":{"name":"Atelier","siren":"732829320","city":"Nantes"}}`,
		`{"email":{"$ne":null},"password":{"$gt":""}}`,
		`{"email":"a@b.fr","role":"admin"}`,
		`{"company":{"siren":12}}`,
		`[1,2,3]`,
		`{"email":"a@b.fr"} {"email":"c@d.fr"}`,
		`{"name":"\u0000\ud800"}`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req registerEmployerRequest
		err := decodeStrict(body, &req)
		if err == nil {
			err = validateStruct(req)
		}
		if err == nil {
			return
		}
		var perr *passerelle.Error
		if !errors.As(err, &perr) || perr.Code != passerelle.EINVALID {
			t.Fatalf("decode %q: %v is not an EINVALID error", body, err)
		}
		if len(perr.Fields) == 0 {
			t.Fatalf("decode %q: an EINVALID error without field details", body)
		}
		for _, fe := range perr.Fields {
			if fe.Key == "" {
				t.Fatalf("decode %q: field %q has no message key", body, fe.Field)
			}
		}
	})
}
