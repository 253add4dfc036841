/*
 * The site's search worker: Material's own worker, loaded unchanged, with three changes
 * to how a query is read. Started instead of Material's worker by
 * overrides/partials/plansite-search.html, as ?worker=<Material's worker file name>; it
 * must live in assets/javascripts/workers/ next to it, because Material loads its language
 * files from "../lunr/" relative to the worker.
 *
 * 1. Chinese is segmented against the index's own terms by longest match, and the query's
 *    last word counts. Material's segment() (integrations/search/query/segment) never tests
 *    a slice that ends at the last character (its loop runs j < query.length), so the final
 *    word is dropped or cut: 宪法宣传周 was searched as 宪法** 宣传*, 区司法局 as 区** 司法*.
 * 2. Every term is required (AND). Material ORs them (Lunr's default presence), so 区* alone
 *    brought every 区… unit. Only when the AND finds nothing are the terms OR-ed.
 * 3. Where the terms of one typed word stand next to each other in a field (the phrase as
 *    typed), the page ranks higher than pages that have the parts apart.
 *
 * And the index is read as plansite/search.py writes it: where its config says "zwsp_as_space",
 * a single space in a title or text stands for a zero-width space (1 byte instead of 3) and
 * two spaces for one space; Material gets the index as it wrote it.
 *
 * Lunr syntax (title:, ~, ^, *) is left to Material. Terms keep Material's trailing
 * wildcard, so what is being typed matches the longer word it begins.
 */
(function () {
  "use strict"

  var SETUP = 0                        /* SearchMessageType.SETUP */
  var QUERY = 2                        /* SearchMessageType.QUERY */
  var ZWSP_AS_SPACE = "zwsp_as_space"  /* plansite/search.py SPACES_KEY */
  var PHRASE_BONUS = 3                 /* score factor for a typed phrase found as is */
  var LUNR_SYNTAX = /(^|\s)(title|text|tags|keywords):|[~^*]/
  var HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/
  var HAN_OR_OTHER = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g

  var worker = new URL(self.location.href).searchParams.get("worker") || ""
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(worker))
    throw new Error("plansite-search: expected ?worker=search.<hash>.min.js, got " + worker)

  var index = null                     /* the Lunr index Material built */
  var terms = null                     /* its terms, sorted, for prefix look-ups */
  var pending = null                   /* the analysed query being answered */
  var anyTerm = false                  /* true while re-running a query as OR */

  /* Registered before Material's listener, so it runs first for each message */
  self.addEventListener("message", function (ev) {
    var message = ev.data
    if (message && message.type === SETUP && message.data && message.data.config[ZWSP_AS_SPACE])
      message.data.docs.forEach(function (doc) {
        doc.title = readSpaces(doc.title)
        doc.text = readSpaces(doc.text)
      })
    pending = null
    if (index && message && message.type === QUERY && typeof message.data === "string")
      pending = analyse(message.data)
  })

  importScripts(worker)
  var lunr = self.lunr

  /* Remember the index Material builds */
  var build = lunr.Builder.prototype.build
  lunr.Builder.prototype.build = function () {
    index = build.apply(this, arguments)
    terms = null
    return index
  }

  /* Material parses its (mis-segmented) query string twice: to analyse the clauses and to
     search. While a query of ours is pending, both get our clauses instead. */
  var parse = lunr.QueryParser.prototype.parse
  lunr.QueryParser.prototype.parse = function () {
    if (!pending)
      return parse.apply(this, arguments)
    for (var g = 0; g < pending.length; g++)
      for (var t = 0; t < pending[g].terms.length; t++)
        this.query.clause({
          term: pending[g].terms[t],
          presence: pending[g].prohibited
            ? lunr.Query.presence.PROHIBITED
            : anyTerm ? lunr.Query.presence.OPTIONAL : lunr.Query.presence.REQUIRED,
          wildcard: lunr.Query.wildcard.TRAILING,
          usePipeline: false
        })
    return this.query
  }

  var search = lunr.Index.prototype.search
  lunr.Index.prototype.search = function (queryString) {
    var query = pending
    if (!query || this !== index)
      return search.apply(this, arguments)
    try {
      var results = search.call(this, queryString)
      if (!results.length && countTerms(query) > 1) {
        anyTerm = true
        results = search.call(this, queryString)
      }
      return rank(results, query)
    } finally {
      anyTerm = false
      pending = null
    }
  }

  /* ------------------------------------------------------------------------ */

  /* Two spaces are a space, one is a zero-width space (plansite/search.py decode_spaces) */
  function readSpaces(value) {
    return typeof value !== "string" ? value : value.replace(/  | /g, function (spaces) {
      return spaces.length === 2 ? " " : "\u200b"
    })
  }

  /* The query as groups (one per typed word) of index terms, or null for Material */
  function analyse(query) {
    if (LUNR_SYNTAX.test(query))
      return null
    var groups = []
    var words = query.replace(/"/g, " ").trim().split(/\s+/)
    for (var w = 0; w < words.length; w++) {
      var word = words[w].toLowerCase()
      var prohibited = /^-./.test(word)
      if (/^[-+]./.test(word))
        word = word.slice(1)
      var pieces = word.split(lunr.tokenizer.separator)
      for (var p = 0; p < pieces.length; p++)
        if (pieces[p])
          groups.push({ terms: segment(pieces[p]), prohibited: prohibited })
    }
    return groups.length ? groups : null
  }

  /* A word that is an index term, or begins one, stays whole ("第7条", "12338", "区司").
     Otherwise its Chinese runs are cut by longest match against the index's terms; other
     runs (numbers, Latin) stay whole, as Material keeps them. */
  function segment(word) {
    if (hasPrefix(word))
      return [word]
    var result = []
    var runs = word.match(HAN_OR_OTHER)
    for (var r = 0; r < runs.length; r++)
      if (HAN.test(runs[r]))
        result.push.apply(result, segmentHan(runs[r]))
      else
        result.push(runs[r])
    return result
  }

  /* Longest match, left to right. Where no term starts, the rest is kept whole if some term
     begins with it (a word still being typed), else the characters up to the next place
     where a term starts make one (unknown) term. */
  function segmentHan(word) {
    var result = []
    var vocabulary = index.invertedIndex
    for (var i = 0; i < word.length;) {
      var rest = word.slice(i)
      if (hasPrefix(rest)) {
        result.push(rest)
        break
      }
      var end = 0
      for (var j = word.length - 1; j > i && !end; j--)
        if (word.slice(i, j) in vocabulary)
          end = j
      if (!end)
        for (end = i + 1; end < word.length && !startsTerm(word, end); end++);
      result.push(word.slice(i, end))
      i = end
    }
    return result
  }

  function startsTerm(word, i) {
    for (var j = i + 1; j <= word.length; j++)
      if (word.slice(i, j) in index.invertedIndex)
        return true
    return false
  }

  /* Whether some index term starts with `value` (binary search in the sorted terms) */
  function hasPrefix(value) {
    if (!terms)
      terms = Object.keys(index.invertedIndex).sort()
    var lo = 0, hi = terms.length
    while (lo < hi) {
      var mid = (lo + hi) >>> 1
      if (terms[mid] < value) lo = mid + 1
      else hi = mid
    }
    return lo < terms.length && terms[lo].lastIndexOf(value, 0) === 0
  }

  function countTerms(query) {
    var n = 0
    for (var g = 0; g < query.length; g++)
      if (!query[g].prohibited)
        n += query[g].terms.length
    return n
  }

  /* Raise the score of results that hold a typed word's terms side by side, then re-sort */
  function rank(results, query) {
    for (var r = 0; r < results.length; r++)
      for (var g = 0; g < query.length; g++)
        if (!query[g].prohibited && query[g].terms.length > 1 &&
            hasPhrase(results[r].matchData.metadata, query[g].terms)) {
          results[r].score *= PHRASE_BONUS
          break
        }
    return results.sort(function (a, b) { return b.score - a.score })
  }

  /* Material's token positions are (block << 20 | index in block); neighbouring words of a
     text differ by one. A query term matches every index term it is a prefix of. */
  function hasPhrase(metadata, phrase) {
    var fields = {}
    for (var key in metadata)
      for (var field in metadata[key])
        fields[field] = true
    for (field in fields) {
      var positions = phrase.map(function (term) {
        var set = {}
        for (var key in metadata)
          if (key.lastIndexOf(term, 0) === 0 && metadata[key][field])
            metadata[key][field].position.forEach(function (p) { set[p] = true })
        return set
      })
      for (var start in positions[0]) {
        var p = +start, t = 1
        while (t < phrase.length && positions[t][p + t])
          t++
        if (t === phrase.length)
          return true
      }
    }
    return false
  }
})()
