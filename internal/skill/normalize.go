package skill

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the matching key of a piece of text: lower-case, without
// accents, with punctuation and spaces folded away, so that "React.JS",
// "react js" and "ReactJS" share the key "reactjs" and "Données" matches
// "donnees".
//
// Folding every separator would merge "C++", "C#", "C" and ".NET" into "c" or
// "net", so the few characters that carry meaning in technology names are
// spelled out first: a '+' that follows a letter, a digit or another '+'
// becomes "plus" ("C++" → "cplusplus"), a '#' that follows one becomes "sharp"
// ("C#" → "csharp"), and a '.' that starts a word before a letter becomes
// "dot" (".NET" → "dotnet"); the spelled-out forms ("c plus plus", "c sharp",
// "dot net") therefore share the same keys.
func Normalize(s string) string {
	k, _ := fold(s, nil)
	return k
}

// fold computes Normalize's key and appends to starts the byte offsets in the
// key where a word of s begins; the autocomplete index uses them to match the
// start of any word ("donn" finds "Analyse de données").
func fold(s string, starts []int) (string, []int) {
	return foldString(s, starts, true)
}

// foldString is fold; fast says whether latinFold may be used, which is
// false only while latinFold itself is being computed.
func foldString(s string, starts []int, fast bool) (string, []int) {
	if !isASCII(s) && (!fast || needsNFKD(s)) {
		// NFKD splits accented letters into letter + mark (the marks are then
		// dropped) and folds compatibility forms such as ligatures "ﬁ" or
		// full-width letters.
		s = norm.NFKD.String(s)
	}
	b := make([]byte, 0, len(s)+8)
	inWord := false
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		i += w
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if !inWord {
				starts, inWord = append(starts, len(b)), true
			}
			b = append(b, byte(r))
		case r >= 'A' && r <= 'Z':
			if !inWord {
				starts, inWord = append(starts, len(b)), true
			}
			b = append(b, byte(r+'a'-'A'))
		case r == '+' && inWord:
			b = append(b, "plus"...)
		case r == '#' && inWord:
			b = append(b, "sharp"...)
		case r == '.' && !inWord && i < len(s) && isLetterAt(s, i):
			// ".NET": the word can be found both as "dotnet" and as "net".
			starts = append(starts, len(b), len(b)+3)
			b, inWord = append(b, "dot"...), true
		case r < utf8.RuneSelf:
			inWord = false // ASCII punctuation, space, control: a separator
		case fast && r < latinEnd && latinFold[r].ok:
			if f := latinFold[r].s; f == "" {
				inWord = false
			} else {
				if !inWord {
					starts, inWord = append(starts, len(b)), true
				}
				b = append(b, f...)
			}
		case unicode.Is(unicode.Mn, r):
			// A combining accent left by NFKD: part of the current letter.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				starts, inWord = append(starts, len(b)), true
			}
			if f, ok := foldSpecial[r]; ok {
				b = append(b, f...)
			} else {
				b = utf8.AppendRune(b, unicode.ToLower(r))
			}
		default:
			inWord = false
		}
	}
	return string(b), starts
}

// foldSpecial spells out letters that NFKD does not decompose but that French
// and other Latin texts write interchangeably with plain letters
// ("maîtrise d'œuvre" is also typed "maitrise d'oeuvre").
var foldSpecial = map[rune]string{
	'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss",
	'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ı': "i",
}

// latinFold caches the folding of the non-ASCII characters of Latin-1 and
// Latin Extended-A/B ("é" → "e", "œ" → "oe", non-breaking space → separator),
// which is nearly all the non-ASCII text of French data, so that fold does
// not run NFKD (and allocate) for every label. A character whose folding is
// not a single piece of a word, or nothing at all, is left to NFKD.
var latinFold [latinEnd]struct {
	s  string // folded letters; "" for a separator
	ok bool
}

func init() {
	for r := rune(utf8.RuneSelf); r < latinEnd; r++ {
		k, starts := foldString(string(r), nil, false)
		switch {
		case k == "":
			latinFold[r].ok = true
		case len(starts) == 1 && isASCII(k):
			latinFold[r].s, latinFold[r].ok = k, true
		}
	}
}

const latinEnd = 0x250

// needsNFKD reports whether s has a character latinFold does not cover.
func needsNFKD(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && (r >= latinEnd || !latinFold[r].ok) {
			return true
		}
	}
	return false
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stopwords are the short words that never start an autocomplete match
// (except at the start of a text): typing "de" should not list every
// "Analyse de …". They are compared with folded words.
var stopwords = map[string]bool{
	"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true, "du": true,
	"en": true, "et": true, "l": true, "la": true, "le": true, "les": true, "ou": true,
	"par": true, "pour": true, "sur": true, "avec": true, "dans": true, "un": true, "une": true,
	"s": true, "the": true, "of": true, "and": true, "for": true, "to": true, "in": true,
	"on": true, "an": true, "or": true, "with": true,
}
