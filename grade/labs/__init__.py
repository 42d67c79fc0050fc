"""One module per lab: grade/labs/labN.py registers that lab's tests with @test."""
