package candidatedb

// SetStreamBatch sets how many documents a stream of s fetches per round
// trip, so that tests cross batch boundaries with a few documents.
func SetStreamBatch(s *Store, n int32) { s.batch = n }
