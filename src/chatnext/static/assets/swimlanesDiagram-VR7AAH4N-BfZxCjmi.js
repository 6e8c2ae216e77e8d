import{c as r,s as e}from"./flowDiagram-HODETNUW-Cf_TAAo8.js";import{_ as a}from"./mermaid.core-CYUAz3tf.js";import"./chunk-5VM5RSS4-CawfNzE-.js";import"./chunk-XXDRQBXY-ucicZuTe.js";import"./chunk-POPQ4Y6H-7bRHzHFi.js";import"./chunk-F27PBJKO-QSK6q8of.js";import"./index-BIbzoGJx.js";import"./channel-CLM1JQsC.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
