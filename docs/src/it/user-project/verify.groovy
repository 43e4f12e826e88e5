// Runs after the forked `mvn test` of the user project: checks that both tests ran, passed, and ran
// on the JDK 25 that the toolchains plugin selected (Maven itself may run on an older JDK).
def reports = new File(basedir, 'target/surefire-reports')
['com.example.PageViewsTest': 1, 'com.example.PageViewsPropertyTest': 1].each { name, expected ->
    def file = new File(reports, "TEST-${name}.xml")
    assert file.isFile() : "no surefire report for ${name}"
    def suite = new groovy.xml.XmlSlurper().parse(file)
    assert suite.@tests.toInteger() == expected : "${name}: tests = ${suite.@tests}"
    assert suite.@failures.toInteger() == 0 && suite.@errors.toInteger() == 0 && suite.@skipped.toInteger() == 0
    def javaVersion = suite.properties.property.find { it.@name == 'java.specification.version' }.@value.text()
    assert javaVersion == '25' : "${name} ran on Java ${javaVersion}"
}
// the pass summary of a simulated test: one line on the console and in the test case's system-out
// (surefire ignores JUnit report entries, so the extension prints it)
def pageViews = new groovy.xml.XmlSlurper().parse(new File(reports, 'TEST-com.example.PageViewsTest.xml'))
def out = pageViews.testcase.find { it.@name == 'concurrentViewsAreAllCounted' }.'system-out'.text()
assert out.contains('simloop: PageViewsTest.concurrentViewsAreAllCounted passed 200 of 200 schedules (strategy portfolio, seed 1)') : "system-out: ${out}"
def log = new File(basedir, 'build.log').text
assert log.contains('simloop: PageViewsTest.concurrentViewsAreAllCounted passed 200 of 200 schedules') : 'no pass summary on the console'

assert log.contains('tries = 100') : 'the jqwik property did not report 100 tries'
assert log.contains('BUILD SUCCESS')
true
