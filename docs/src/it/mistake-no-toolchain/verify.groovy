// Every line that setup.md quotes under <!-- output: release-not-supported --> must be a line of this job's build
// log: the page shows what Maven really prints. (docsDir comes from the invoker's scriptVariables.)
def name = 'release-not-supported'
def page = new File(docsDir.toString(), 'setup.md').readLines()
def marker = page.indexOf("<!-- output: ${name} -->".toString())
assert marker >= 0 && page[marker + 1] == '```text' : "setup.md has no text block marked <!-- output: ${name} -->"
def quoted = page.drop(marker + 2).takeWhile { it != '```' }.findAll { !it.isBlank() }
def log = new File(basedir, 'build.log').readLines().collect { it.replaceAll('\u001B\\[[0-9;]*m', '').stripTrailing() }
def missing = quoted.findAll { !log.contains(it.stripTrailing()) }
assert !quoted.isEmpty() && missing.isEmpty() : "setup.md quotes lines that Maven did not print: ${missing}"
true
