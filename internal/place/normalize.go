package place

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// abbreviations are the forms La Poste and people use for the words that start so
// many commune names ("ST HERBLAIN", "Ste Luce").
var abbreviations = map[string]string{
	"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes",
}

// articles may lead a commune's full name; people often leave them out.
var articles = map[string]bool{"l": true, "la": true, "le": true, "les": true}

// latin maps the letters of Latin-1 and Latin Extended-A, where every letter of
// a French name lives, to their lower-case form without accents: "É" → "e",
// "œ" → "oe". Built once from the canonical decomposition, so that folding a
// name does not run the full normaliser on every rune.
var latin = func() map[rune]string {
	m := map[rune]string{
		'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss",
		'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d",
	}
	for r := rune(0xC0); r <= 0x17F; r++ {
		if _, ok := m[r]; ok || !unicode.IsLetter(r) {
			continue
		}
		if f := foldSlow(r); f != "" {
			m[r] = f
		}
	}
	return m
}()

// foldSlow decomposes r and keeps its lower-cased letters and digits.
func foldSlow(r rune) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(string(r)) {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// fold returns s in lower case without accents, its letters and digits kept and
// every run of other characters turned into one sep, none at either end. With
// spellOut, abbreviations are written in full. "L'Île-d'Yeu" gives "l ile d yeu"
// with sep ' '.
func fold(s string, sep byte, spellOut bool) string {
	b := make([]byte, 0, len(s)+8)
	word := 0 // where the current word starts in b
	inWord := false
	end := func() {
		if !inWord {
			return
		}
		inWord = false
		if spellOut {
			if full, ok := abbreviations[string(b[word:])]; ok {
				b = append(b[:word], full...)
			}
		}
	}
	begin := func() {
		if inWord {
			return
		}
		if len(b) > 0 {
			b = append(b, sep)
		}
		word, inWord = len(b), true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				begin()
				b = append(b, c)
			case 'A' <= c && c <= 'Z':
				begin()
				b = append(b, c+'a'-'A')
			default:
				end()
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch f, ok := latin[r]; {
		case ok:
			begin()
			b = append(b, f...)
		case unicode.Is(unicode.Mn, r):
			// A combining accent written apart ("e\u0301"): part of the word.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			begin()
			b = append(b, foldSlow(r)...)
		default:
			end()
		}
	}
	end()
	return string(b)
}

// slug is the name part of a derived ID: words joined by "-", abbreviations kept
// as written so that the id reflects the source.
func slug(name string) string { return fold(name, '-', false) }

// searchKey is the form names and queries are compared in: words with
// abbreviations spelt out, joined by single spaces.
func searchKey(s string) string { return fold(s, ' ', true) }
