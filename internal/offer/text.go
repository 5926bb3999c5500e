package offer

import (
	"slices"
	"strings"
	"unicode"

	"passerelle/internal/skill"
)

// Full-text search works on words: an offer matches when each word of the
// query is a word of its title or description, compared case-, accent- and
// punctuation-insensitively with a light plural folding. Whole words, not
// substrings, so that "go" does not find "google" or "gouvernance".

// splitWords cuts s into word chunks at spaces and punctuation, but keeps
// '+', '#' and '.' inside chunks so that skill.Normalize can spell out
// "C++", "C#" and ".NET"; apostrophes cut ("l'équipe" → "l", "équipe").
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '+' || r == '#' || r == '.' || r == '-')
	})
}

// stem folds the plural of a normalised word: "developpeurs" and
// "developpeur", "reseaux" and "reseau" meet. Short words are left alone
// ("js", "aws", "cms" are not plurals), and so are endings that are rarely
// plurals ("-ss", "-us", "-is", "-js": "process", "cplusplus", "paris",
// "nodejs"; "-x" other than "-aux"/"-eux": "linux"). Both sides of a
// comparison are stemmed, so an occasional wrong cut still matches itself.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch last, prev := w[len(w)-1], w[len(w)-2]; {
	case last == 's' && !strings.ContainsRune("suij", rune(prev)):
		return w[:len(w)-1]
	case last == 'x' && (strings.HasSuffix(w, "aux") || strings.HasSuffix(w, "eux")):
		return w[:len(w)-1]
	}
	return w
}

// keysOf returns the keys of one chunk: the chunk folded, and for a
// hyphenated one ("full-stack", "Saint-Herblain") its parts too, so that
// "fullstack", "full-stack" and "stack" all find it.
func keysOf(chunk string, add func(string)) {
	if k := skill.Normalize(chunk); k != "" {
		add(stem(k))
	}
	if strings.Contains(chunk, "-") {
		for _, part := range strings.Split(chunk, "-") {
			if k := skill.Normalize(part); k != "" {
				add(stem(k))
			}
		}
	}
}

// searchKeys returns the sorted, distinct keys of the given texts.
func searchKeys(texts ...string) []string {
	var keys []string
	for _, t := range texts {
		for _, c := range splitWords(t) {
			keysOf(c, func(k string) { keys = append(keys, k) })
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// stopwords are dropped from queries only: an offer that never says "de"
// still matches "développeur de logiciels". Single letters other than
// elisions stay ("C" is a language).
var stopwords = map[string]bool{
	"a": true, "au": true, "aux": true, "avec": true, "d": true, "dans": true, "de": true, "des": true,
	"du": true, "e": true, "en": true, "et": true, "l": true, "la": true, "le": true, "les": true,
	"ou": true, "par": true, "pour": true, "sur": true, "un": true, "une": true, "and": true,
	"for": true, "in": true, "of": true, "or": true, "the": true, "to": true, "with": true,
}

// queryKeys returns the keys a query's words must all match, without
// stopwords.
func queryKeys(q string) []string {
	var keys []string
	for _, c := range splitWords(q) {
		k := skill.Normalize(c)
		if k == "" || stopwords[k] || stopwords[stem(k)] {
			continue
		}
		keys = append(keys, stem(k))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
