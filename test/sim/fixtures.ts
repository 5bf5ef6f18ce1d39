/** Scenario texts the simulation lab's tests share. */

/** A short path on the small preset: a fault, a depeg, the fearful holders, liquidators and loopers. */
export const SHORT = `name: mc-test
seed: 3
network:
  preset: small
  params:
    stakers: 20
    lrtHolders: 30
run:
  blocks: 120
  step: 30
  security: false
  checkConservation: false
timeline:
  - at: 5
    event: fault
    fault: downtime
    operators: { random: 2 }
  - at: 10
    event: depeg
    lrt: ezeth
    toPrice: 0.95
agents:
  fearfulStakers:
    threshold: "2%"
    perStep: "10%"
    action: mixed
  liquidators:
    minProfit: "0.01"
  loopers:
    unwindBelowHf: 1.03
`;
